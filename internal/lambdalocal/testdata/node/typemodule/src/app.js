// An ES module in a .js file: the package.json says "type": "module".
import {basename} from 'node:path';

export async function handler(event) {
    return {module: 'typemodule', file: basename(import.meta.url), event};
}
