'use strict';
// Demo: token -> customer -> register for its events -> add a favorite over the bridge -> its CloudEvent -> list.
// Env: SERVICE_URL (http://localhost:8000), BRIDGE_HOST (127.0.0.1), BRIDGE_PORT (7000),
//      API_TOKEN (default: the file .run/api-token that `make run` writes), PRODUCT_ID (a product of the catalog).
const fs = require('node:fs');
const { Bridge } = require('./bridge');

const SERVICE_URL = process.env.SERVICE_URL || 'http://localhost:8000';
const BRIDGE_HOST = process.env.BRIDGE_HOST || '127.0.0.1';
const BRIDGE_PORT = Number(process.env.BRIDGE_PORT || 7000);
const API_TOKEN = process.env.API_TOKEN || fs.readFileSync('.run/api-token', 'utf8').trim();
const PRODUCT_ID = process.env.PRODUCT_ID || 'db510669-a6b8-46b4-80d5-d015da6e0eb5';
const EVENT_TIMEOUT_MS = 15000;

async function post(path, body, jwt) {
  const headers = { 'content-type': 'application/json' };
  if (jwt) headers.authorization = `Bearer ${jwt}`;
  const r = await fetch(SERVICE_URL + path, { method: 'POST', headers, body: JSON.stringify(body) });
  const json = await r.json();
  if (!r.ok) throw new Error(`POST ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

async function main() {
  const admin = (await post('/v1/auth/token', { token: API_TOKEN })).access_token;
  console.log('1. admin token issued');
  const email = `node-demo-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const customer = await post('/v1/customers', { name: 'Node Demo', email }, admin);
  console.log(`2. customer created: ${customer.id}`);
  const token = (await post('/v1/auth/token', { token: API_TOKEN, customerId: customer.id })).access_token;
  console.log('3. customer token issued');

  const bridge = await Bridge.connect({ host: BRIDGE_HOST, port: BRIDGE_PORT });
  let gotEvent;
  const event = new Promise((resolve, reject) => {
    gotEvent = resolve;
    setTimeout(() => reject(new Error(`no favorite.added event within ${EVENT_TIMEOUT_MS} ms`)), EVENT_TIMEOUT_MS).unref();
  });
  const address = `favorites.events.${customer.id}`;
  await bridge.register(address, token, (ce) => {
    if (ce.type === 'com.favoriteproducts.favorite.added' && ce.data.productId === PRODUCT_ID) gotEvent(ce);
  });
  console.log(`4. registered on ${address}`);

  const added = await bridge.request('favorites.add', { customerId: customer.id, productId: PRODUCT_ID }, token);
  console.log(`5. favorites.add answered: ${added.state}${added.job ? ` (job ${added.job.jobId})` : ''}`);

  const ce = await event;
  console.log(`6. event received: ${ce.type} ${ce.data.productId} (id ${ce.id}, time ${ce.time})`);

  const page = await bridge.request('favorites.list', { customerId: customer.id }, token);
  const ids = page.items.map((i) => i.productId);
  console.log(`7. favorites.list: ${ids.join(', ')}`);
  bridge.close();
  if (!ids.includes(PRODUCT_ID)) throw new Error(`the list does not show ${PRODUCT_ID}`);
  console.log('done');
}

main().catch((e) => {
  console.error(`demo failed: ${e.message}`);
  process.exit(1);
});
