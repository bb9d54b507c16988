// Readers of untrusted JSON values that never throw: each gives a safe
// default when the value has the wrong type.
export type JSONObject = Record<string, unknown>;

export function isObject(value: unknown): value is JSONObject {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function str(value: unknown): string {
    return typeof value === 'string' ? value : '';
}

export function trimmed(value: unknown): string {
    return str(value).trim();
}

export function nonNegativeInt(value: unknown): number | undefined {
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}
