// Kubernetes resource quantities ("10Gi", "500m", "1e3"), parsed just far enough to compare them: the
// operator needs "did the storage request grow" and "is a request above its limit" before the apiserver
// or the kubelet reports it less helpfully. Values are JS numbers, exact for every integer below 2^53
// (8 PiB), which covers any realistic volume or CPU/memory size.

/** The pattern the Kubernetes API uses for resource.Quantity in generated CRD schemas. */
export const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

const QUANTITY_RE = new RegExp(QUANTITY_PATTERN);

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** The value of a quantity in base units (bytes, cores), or undefined when the string is not a quantity. */
export function parseQuantity(q: string | number): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  const s = q.trim();
  if (!QUANTITY_RE.test(s)) return undefined;
  const m = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(.*)$/.exec(s);
  if (!m) return undefined;
  const num = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix in BINARY) return num * BINARY[suffix]!;
  if (suffix in DECIMAL) return num * DECIMAL[suffix]!;
  // Decimal exponent: "1e3", "2E-2". ("E" alone was handled above as exa.)
  const exp = Number(suffix.slice(1));
  return Number.isFinite(exp) ? num * 10 ** exp : undefined;
}

/** Sign of a - b; undefined when either side is not a quantity. */
export function compareQuantities(a: string | number, b: string | number): number | undefined {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  if (x === undefined || y === undefined) return undefined;
  return Math.sign(x - y);
}
