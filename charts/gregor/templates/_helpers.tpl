{{/* Full name of the operator's objects: <release>-operator (fullnameOverride wins). */}}
{{- define "gregor.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "gregor.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select the operator's pods; never change them after a release (Deployment selectors are immutable). */}}
{{- define "gregor.selectorLabels" -}}
app.kubernetes.io/name: gregor-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "gregor.labels" -}}
{{ include "gregor.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: gregor
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "gregor.chart" . }}
{{- end -}}

{{- define "gregor.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "gregor.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "gregor.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "gregor.brokerImage" -}}
{{- printf "%s:%s" .Values.brokerImage.repository (default .Chart.AppVersion .Values.brokerImage.tag) -}}
{{- end -}}
