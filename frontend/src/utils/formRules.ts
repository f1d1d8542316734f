/** Element Plus form rules built from the pure checks in `validation.ts`. */
import type { FormItemRule } from 'element-plus'
import { translate, type MessageKey } from '@/i18n'

type Check = (value: string) => MessageKey | null

/** A blur/change rule that runs one check and shows its translated message (`required` adds the asterisk). */
export function ruleFrom(check: Check, required = true): FormItemRule {
  return {
    required,
    trigger: ['blur', 'change'],
    validator: (_rule, value: unknown, callback: (error?: Error) => void) => {
      const key = check(typeof value === 'string' ? value : '')
      callback(key ? new Error(translate(key)) : undefined)
    },
  }
}
