// Fixed PeerJS ids: one per enrolled device, `${clinicId}_${deviceId}`. PeerJS accepts only letters and
// digits joined by single '-', '_' or ' ' (no '.'), so the underscore joins the two UUIDs. Shared by central
// (which issues a token per id) and the devices (which register and dial them), so the two cannot drift.
const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const peerIdPattern = new RegExp(`^(${uuid})_(${uuid})$`);

export function peerIdFor(clinicId: string, deviceId: string): string {
  return `${clinicId.toLowerCase()}_${deviceId.toLowerCase()}`;
}

/** The clinic and device a peer id names, or undefined for an id that is not a device's. */
export function parsePeerId(peerId: string): { readonly clinicId: string; readonly deviceId: string } | undefined {
  const match = peerIdPattern.exec(peerId);
  return match?.[1] === undefined || match[2] === undefined ? undefined : { clinicId: match[1], deviceId: match[2] };
}
