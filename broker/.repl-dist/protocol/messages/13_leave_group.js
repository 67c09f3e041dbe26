export const LeaveGroupRequestSpec = {
    apiKey: 13,
    type: 'request',
    name: 'LeaveGroupRequest',
    validVersions: '0-5',
    flexibleVersions: '4+',
    fields: [
        { name: 'GroupId', type: 'string', versions: '0+' },
        { name: 'MemberId', type: 'string', versions: '0-2' },
        { name: 'Members', type: '[]MemberIdentity', versions: '3+', fields: [
                { name: 'MemberId', type: 'string', versions: '3+' },
                { name: 'GroupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+', default: 'null' },
                { name: 'Reason', type: 'string', versions: '5+', nullableVersions: '5+', default: 'null', ignorable: true },
            ] },
    ],
};
export const LeaveGroupResponseSpec = {
    apiKey: 13,
    type: 'response',
    name: 'LeaveGroupResponse',
    validVersions: '0-5',
    flexibleVersions: '4+',
    fields: [
        { name: 'ThrottleTimeMs', type: 'int32', versions: '1+', ignorable: true },
        { name: 'ErrorCode', type: 'int16', versions: '0+' },
        { name: 'Members', type: '[]MemberResponse', versions: '3+', fields: [
                { name: 'MemberId', type: 'string', versions: '3+' },
                { name: 'GroupInstanceId', type: 'string', versions: '3+', nullableVersions: '3+' },
                { name: 'ErrorCode', type: 'int16', versions: '3+' },
            ] },
    ],
};
//# sourceMappingURL=13_leave_group.js.map