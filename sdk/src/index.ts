/**
 * @module sdk
 * `@tinhso/lgsp-client`: sign requests to the Tỉnh Số LGSP, call destinations through the gateway or
 * directly, and verify incoming calls in direct mode. Node 20 built-ins only.
 */
export * from './canonical.ts';
export * from './client.ts';
export * from './destination.ts';
export * from './errors.ts';
export * from './sign.ts';
export * from './verify.ts';
