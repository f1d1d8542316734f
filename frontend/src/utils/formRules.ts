/** Element Plus form rules built from the pure checks in `validation.ts`. */
import type { FormItemRule } from 'element-plus'
import { translate, type MessageKey } from '@/i18n'

type Check = (value: string) => MessageKey | null

/** A blur/change rule that runs one check and shows its translated message. */
export function ruleFrom(check: Check): FormItemRule {
  return {
    trigger: ['blur', 'change'],
    validator: (_rule, value: unknown, callback: (error?: Error) => void) => {
      const key = check(typeof value === 'string' ? value : '')
      callback(key ? new Error(translate(key)) : undefined)
    },
  }
}
