import ipaddr from 'ipaddr.js';

/**
 * One visit as the admission rules see it, in memory (abuseRule.ts, visitorsOnline.ts) and in Redis
 * (sharedVisitRules.ts), and the keys they count visitors and callers by.
 */
export interface VisitToAdmit {
  /** The unit visited. */
  unitCode: string;
  /** The unit, then every unit above it (the visitor is online on each). */
  lineage: readonly string[];
  /** The article read, if any: a repeat is a repeat of the same page. */
  article: number | null;
  /** visitorKey() of the visitorId. */
  visitor: string;
  /** addressKey() of the caller's address. */
  address: string;
  /** By the visit counters' clock. */
  now: number;
}

/** A short fixed-size key for a visitorId (cyrb53, 53 bits): map keys stay small whatever the id's length. */
export function visitorKey(visitorId: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < visitorId.length; i++) {
    const c = visitorId.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * The key the per-address rule counts a caller by: its IPv4 address, or the first 64 bits of its
 * IPv6 address (one subscriber's network: an ISP hands each customer at least a /64, so a client
 * could otherwise take a new address for every call). ipaddr.js is Fastify's own address parser.
 */
export function addressKey(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  return `${(address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16)).join(':')}::/64`;
}

