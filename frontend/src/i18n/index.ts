/**
 * Minimal i18n: a dictionary per language, Chinese by default, the choice kept in localStorage.
 * `t('nav.home')` in templates and scripts; `{name}` placeholders are filled from `params`.
 */
import { computed, ref } from 'vue'
import { en } from './en'
import { zhCN, type MessageKey } from './zh-CN'

export type Locale = 'zh-CN' | 'en'
export type { MessageKey }

const STORAGE_KEY = 'yinqing.locale'
const dictionaries: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en }

function initialLocale(): Locale {
  const saved = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY)
  return saved === 'en' ? 'en' : 'zh-CN'
}

/** The current language, shared by the whole app. */
export const locale = ref<Locale>(initialLocale())

/** Switch language and remember the choice. */
export function setLocale(next: Locale): void {
  locale.value = next
  if (typeof localStorage !== 'undefined') localStorage.setItem(STORAGE_KEY, next)
  if (typeof document !== 'undefined') document.documentElement.lang = next
}

/** True for a key the catalogues have (for keys built at run time from server codes). */
export function isMessageKey(key: string): key is MessageKey {
  return key in zhCN
}

/** Fill `{name}` placeholders. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (match, name: string) =>
    name in params ? String(params[name]) : match,
  )
}

/** Translate a key in the given (default: current) language. */
export function translate(key: MessageKey, params?: Record<string, string | number>, lang: Locale = locale.value): string {
  return format(dictionaries[lang][key], params)
}

/**
 * Server messages come as "中文 / English"; show the half that matches the UI language.
 * A message without the separator is shown as it is.
 */
export function localiseServerMessage(message: string, lang: Locale = locale.value): string {
  const parts = message.split(' / ')
  if (parts.length !== 2) return message
  return (lang === 'en' ? parts[1] : parts[0]).trim()
}

/** Composable for components: `const { t, locale } = useI18n()`. */
export function useI18n() {
  const isChinese = computed(() => locale.value === 'zh-CN')
  return { t: translate, locale, isChinese, setLocale, localiseServerMessage }
}
