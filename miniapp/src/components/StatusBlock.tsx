import { Button, Text, View } from '@tarojs/components'
import './StatusBlock.scss'

export function Loading({ label = '加载中…' }: { label?: string }) {
  return (
    <View className='status status--loading' data-testid='loading'>
      <Text className='status__text'>{label}</Text>
    </View>
  )
}

export function Empty({ label }: { label: string }) {
  return (
    <View className='status status--empty' data-testid='empty'>
      <Text className='status__text'>{label}</Text>
    </View>
  )
}

export function ErrorBlock({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <View className='status status--error' data-testid='error'>
      <Text className='status__message'>⚠ {message}</Text>
      {onRetry ? (
        <Button className='btn btn--secondary' data-testid='retry' onClick={onRetry}>
          重试
        </Button>
      ) : null}
    </View>
  )
}

/** The ✓ line confirming what was just done; nothing while `text` is null. */
export function Notice({ text, testid }: { text: string | null; testid: string }) {
  if (!text) return null
  return (
    <Text className='notice notice--ok' data-testid={testid}>
      ✓ {text}
    </Text>
  )
}
