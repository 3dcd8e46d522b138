import { TOPICS } from '../topics';
import { readProtoFiles } from './files';
import { renderAsyncApi } from './asyncapi';
import { renderGeneratedFiles } from './typescript';

/** Every generated file (path relative to libs/contracts -> content) from the proto files and the topic registry. */
export function generateAll(contractsDir?: string): Map<string, string> {
  const files = readProtoFiles(contractsDir);
  const out = renderGeneratedFiles(files, Object.values(TOPICS));
  out.set('asyncapi.yaml', renderAsyncApi(files, Object.values(TOPICS)));
  return out;
}
