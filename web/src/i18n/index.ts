import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN'
import en from './en'

export type Lang = 'zh-CN' | 'en'

export function initialLang(): Lang {
  const saved = localStorage.getItem('radix.lang')
  return saved === 'en' ? 'en' : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLang(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})

/** The label of a descriptor item ({zh, en}) in the current language. */
export function label(l: { zh: string; en: string } | undefined): string {
  if (!l) return ''
  return (i18n.global.locale as any).value === 'en' ? l.en || l.zh : l.zh
}

export function optionLabel(o: { label: string; labelEn?: string }): string {
  return (i18n.global.locale as any).value === 'en' ? o.labelEn || o.label : o.label
}

export function menuName(m: { name: string; nameEn?: string | null }): string {
  return (i18n.global.locale as any).value === 'en' ? m.nameEn || m.name : m.name
}
