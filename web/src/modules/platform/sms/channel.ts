/** What differs between 短信 and 邮件 on their settings pages (manual 1 §6.7, §6.8). */
export type Channel = 'sms' | 'email'

export interface ChannelConfig {
  /** the settings descriptor (GET /api/v1/meta/settings/{settings}) */
  settings: string
  /** GET/PUT settings, /effective, /test */
  path: string
  permission: string
  /** the template list the 发送测试 form chooses from */
  templates: string
  /** the recipient field of the test form */
  recipient: 'phone' | 'to'
  templateRequired: boolean
}

export const CHANNELS: Record<Channel, ChannelConfig> = {
  sms: {
    settings: 'sms_setting',
    path: '/platform/sms/settings',
    permission: 'platform:sms_setting',
    templates: '/platform/sms/templates',
    recipient: 'phone',
    templateRequired: true,
  },
  email: {
    settings: 'email_setting',
    path: '/platform/email/settings',
    permission: 'platform:email_setting',
    templates: '/platform/email/templates',
    recipient: 'to',
    templateRequired: false,
  },
}
