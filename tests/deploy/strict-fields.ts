import * as k8s from '@kubernetes/client-node';

/**
 * Unknown fields in a manifest, found with the Kubernetes OpenAPI models that
 * @kubernetes/client-node ships (each model's attribute map names its fields and their types).
 * The schema validators accept an unknown field such as `readinesProbe`, and so does a
 * lenient API server: the probe is then silently missing. Here it is an error.
 */

interface Attribute {
  baseName: string;
  type: string;
}

interface Model {
  getAttributeTypeMap(): Attribute[];
}

const models = k8s as unknown as Record<string, Model | undefined>;

const ARRAY = /^Array<(.+)>$/;
const MAP = /^\{ \[key: string\]: (.+); \}$/;

/** `apps/v1` + `Deployment` → `V1Deployment`, the model's name in the client. */
export function modelNameOf(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').at(-1) ?? '';
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Paths of fields the model of `type` does not define, anywhere below `value`. */
export function unknownFields(value: unknown, type: string, path = ''): string[] {
  const array = ARRAY.exec(type);
  if (array) {
    if (!Array.isArray(value)) return [];
    return value.flatMap((item, i) => unknownFields(item, array[1] as string, `${path}[${i}]`));
  }
  const map = MAP.exec(type);
  if (map) {
    if (!isRecord(value)) return [];
    return Object.entries(value).flatMap(([key, item]) =>
      unknownFields(item, map[1] as string, `${path}.${key}`),
    );
  }
  const model = models[type];
  // Scalars (string, number, IntOrString, Date, any) have no fields to check.
  if (typeof model?.getAttributeTypeMap !== 'function' || !isRecord(value)) return [];
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  return Object.entries(value).flatMap(([key, item]) => {
    const child = attributes.get(key);
    if (child === undefined) return [`${path}.${key}`.replace(/^\./, '')];
    return unknownFields(item, child, `${path}.${key}`);
  });
}
