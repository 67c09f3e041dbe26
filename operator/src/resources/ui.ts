// Optional Kafka-UI (kafbat/kafka-ui) pointed at the bootstrap service. Stateless, so a Deployment.
import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import { labelsFor, objectMeta, resourceNames, selectorLabels, type ClusterModel } from './common.js';
import { bootstrapServersString } from './brokers.js';

/** kafka-ui's default SERVER_PORT. */
export const UI_PORT = 8080;
/** The kafbat image's USER is a name, which runAsNonRoot cannot verify; a numeric non-root uid is given instead. */
const UI_UID = 1000;

export function uiDeployment(model: ClusterModel): V1Deployment {
  const n = resourceNames(model.name);
  const ui = model.spec.ui;
  const selector = selectorLabels(model.name, 'ui');
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMeta(model, n.uiDeployment, 'ui'),
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: labelsFor(model.name, 'ui') },
        spec: {
          automountServiceAccountToken: false,
          securityContext: {
            runAsUser: UI_UID,
            runAsGroup: UI_UID,
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: 'kafka-ui',
              image: ui.image,
              imagePullPolicy: ui.imagePullPolicy,
              env: [
                { name: 'KAFKA_CLUSTERS_0_NAME', value: model.name },
                { name: 'KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS', value: bootstrapServersString(model) },
                { name: 'SERVER_PORT', value: String(UI_PORT) },
              ],
              ports: [{ name: 'http', containerPort: UI_PORT, protocol: 'TCP' }],
              readinessProbe: {
                httpGet: { path: '/actuator/health', port: 'http' },
                initialDelaySeconds: 10,
                periodSeconds: 10,
                timeoutSeconds: 5,
              },
              // A JVM (Spring) app: give it time to start before liveness counts.
              livenessProbe: {
                httpGet: { path: '/actuator/health', port: 'http' },
                initialDelaySeconds: 60,
                periodSeconds: 20,
                timeoutSeconds: 5,
                failureThreshold: 6,
              },
              ...(ui.resources ? { resources: ui.resources } : {}),
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
}

export function uiService(model: ClusterModel): V1Service {
  const n = resourceNames(model.name);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(model, n.uiService, 'ui'),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(model.name, 'ui'),
      ports: [{ name: 'http', port: UI_PORT, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}

/** UI objects in apply order; empty when spec.ui.enabled is false. */
export function uiObjects(model: ClusterModel) {
  return model.spec.ui.enabled ? [uiService(model), uiDeployment(model)] : [];
}
