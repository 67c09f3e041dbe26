// Public entry of the broker's client side (`@gregor/broker/client`): what the operator and tools import.
export * from './broker-connection.js';
export * from './network-client.js';
export * from './admin-client.js';
