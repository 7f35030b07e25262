import { useEffect } from 'react'
import { Button, Text, View } from '@tarojs/components'
import { unitsOfRegion, whoami } from '../lib/api.ts'
import { summarizeWhoami, type Identity, type RoleGrant } from '../lib/roles.ts'
import type { Session } from '../lib/session.ts'
import { useAsync } from '../lib/useAsync.ts'
import { Empty, ErrorBlock, Loading } from './StatusBlock.tsx'
import './Dashboard.scss'

async function loadDashboard() {
  const identity = summarizeWhoami(await whoami())
  const units = await unitsOfRegion(identity?.regionCode ?? null)
  return { identity, units }
}

function GrantLine({ grant }: { grant: RoleGrant }) {
  const scope = grant.scopeRegionCode
    ? `${grant.scopeRegionName ?? ''}（${grant.scopeRegionCode}）`
    : null
  return (
    <View className='whoami__role' data-testid='role-item'>
      <Text className='whoami__role-label'>{grant.label}</Text>
      {grant.unitName ? <Text className='whoami__role-detail'>所属单位：{grant.unitName}</Text> : null}
      {scope ? <Text className='whoami__role-detail'>监督范围：{scope}</Text> : null}
    </View>
  )
}

function WhoamiCard({ identity, session }: { identity: Identity | null; session: Session }) {
  return (
    <View className='card whoami' data-testid='whoami'>
      <Text className='card__title'>当前用户</Text>
      {identity ? (
        <View>
          <Text className='whoami__name' data-testid='whoami-name'>{identity.maskedName}</Text>
          <Text className='whoami__line' data-testid='whoami-region'>所在地区：{identity.regionName ?? '未填写'}</Text>
          {identity.roles.length === 0 ? (
            <Text className='whoami__line'>身份：群众</Text>
          ) : (
            identity.roles.map((g, i) => <GrantLine key={`${g.role}-${g.unitId ?? g.scopeRegionCode ?? i}`} grant={g} />)
          )}
        </View>
      ) : (
        <Text className='whoami__line'>未找到账号信息（{session.user.label}）</Text>
      )}
    </View>
  )
}

export function Dashboard({
  session,
  onLogout,
  onExpired,
}: {
  session: Session
  onLogout: () => void
  onExpired: () => void
}) {
  const { state, reload } = useAsync(loadDashboard)

  useEffect(() => {
    if (state.status === 'error' && state.error.code === 'unauthorized') onExpired()
  }, [state, onExpired])

  return (
    <View className='dashboard'>
      {state.status === 'loading' ? <Loading /> : null}
      {state.status === 'error' ? <ErrorBlock message={state.error.message} onRetry={reload} /> : null}
      {state.status === 'done' ? (
        <View>
          <WhoamiCard identity={state.data.identity} session={session} />
          <View className='card'>
            <Text className='card__title'>
              本地区政务服务机构{state.data.identity?.regionName ? `（${state.data.identity.regionName}）` : ''}
            </Text>
            {state.data.units.length === 0 ? (
              <Empty label='本地区暂无政务服务机构' />
            ) : (
              <View className='units' data-testid='unit-list'>
                {state.data.units.map((u) => (
                  <View key={u.id} className='units__item' data-testid='unit-item'>
                    <Text className='units__name'>{u.name}</Text>
                    <Text className='units__meta'>
                      {u.region_name}
                      {u.credit_code ? ` · 统一社会信用代码 ${u.credit_code}` : ''}
                    </Text>
                  </View>
                ))}
              </View>
            )}
          </View>
        </View>
      ) : null}
      <Button className='btn btn--secondary dashboard__logout' data-testid='logout' onClick={onLogout}>
        退出登录
      </Button>
    </View>
  )
}
