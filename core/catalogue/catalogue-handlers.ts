import type { HandlersFor } from '../app/handlers.ts';
import type { Catalogue } from './catalogue.ts';

export function createCatalogueHandlers(catalogue: Catalogue): HandlersFor<'catalogue'> {
  return {
    'catalogue.properties': (input) => catalogue.properties(input.workspaceId, input.objectType),
    'catalogue.refresh': (input) => catalogue.refresh(input.workspaceId, input.objectTypes),
  };
}
