/** A release build's DemoPersonas (config/index.ts swaps the module): nothing. */
import type { Persona, PersonaKey } from '../../../shared/schemas.ts'

export function DemoPersonas(_props: { personas: Persona[]; busy: string | null; onPick: (key: PersonaKey) => void }) {
  return null
}
