import { TOPICS } from '../topics';
import { readProtoFiles } from './files';
import { renderGeneratedFiles } from './typescript';

/** Every generated file (path relative to libs/contracts -> content) from the proto files and the topic registry. */
export function generateAll(contractsDir?: string): Map<string, string> {
  const files = readProtoFiles(contractsDir);
  return renderGeneratedFiles(files, Object.values(TOPICS));
}
