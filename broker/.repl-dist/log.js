import { pino } from 'pino';
/** The broker's root logger: JSON lines on stdout, level from GREGOR_LOG_LEVEL (default info). */
export const logger = pino({
    name: 'gregor',
    level: process.env.GREGOR_LOG_LEVEL ?? 'info',
    base: { pid: process.pid },
});
export function childLogger(component) {
    return logger.child({ component });
}
//# sourceMappingURL=log.js.map