/**
 * The organisation screens (issue #4): the tree of units with their QCVN 102:2016 codes, a unit's page,
 * create/edit, reorganisation with a preview of the code changes, import and export.
 */
import {
  ApartmentOutlined,
  EditOutlined,
  ImportOutlined,
  PlusOutlined,
  SearchOutlined,
  SwapOutlined,
} from '@ant-design/icons';
import { Button, Card, Checkbox, Descriptions, Empty, Flex, Input, Skeleton, Tree, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { Route, Routes, useNavigate } from 'react-router';
import { useSession } from '../../auth/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { formatDate, formatNumber } from '../../lib/format';
import { ImportModal } from './ImportModal';
import { m } from './messages';
import { ExportButton, UnitStatusTag } from './parts';
import { ReorganiseModal } from './ReorganiseModal';
import { UnitDetail } from './UnitDetail';
import { UnitFormModal } from './UnitForm';
import { allKeys, buildTree, filterTree, type Unit, type UnitNode, useUnitTree } from './units';

export default function OrgPage() {
  return (
    <Routes>
      <Route index element={<OrgTree />} />
      <Route path="units/:id" element={<UnitDetail />} />
    </Routes>
  );
}

function OrgTree() {
  const { t, lang } = useI18n();
  const { has } = useSession();
  const navigate = useNavigate();
  const canWrite = has('org.write');
  const [includeClosed, setIncludeClosed] = useState(false);
  const tree = useUnitTree(includeClosed);
  const [q, setQ] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [expanded, setExpanded] = useState<string[] | null>(null);
  const [form, setForm] = useState<{ parentId: string | null } | null>(null);
  const [editing, setEditing] = useState<Unit | null>(null);
  const [reorg, setReorg] = useState<string | null | false>(false);
  const [importing, setImporting] = useState(false);

  const nodes = useMemo(() => buildTree(tree.data ?? []), [tree.data]);
  const shown = useMemo(() => filterTree(nodes, q), [nodes, q]);
  // Two levels open by default; everything open while searching.
  const defaultExpanded = useMemo(
    () => nodes.flatMap((n) => [n.key, ...n.children.map((c) => c.key)]),
    [nodes],
  );
  const expandedKeys = q.trim() ? allKeys(shown) : (expanded ?? defaultExpanded);
  const unit = tree.data?.find((u) => u.id === selected) ?? null;

  const renderTitle = (n: UnitNode) => (
    <Flex gap={8} align="center" wrap={false}>
      <span style={n.unit.status === 'closed' ? { textDecoration: 'line-through', opacity: 0.6 } : undefined}>
        {n.unit.name}
      </span>
      <Typography.Text code style={{ fontSize: 12 }}>
        {n.unit.code}
      </Typography.Text>
      {n.children.length > 0 && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          ({n.children.length})
        </Typography.Text>
      )}
    </Flex>
  );

  return (
    <Flex gap={16} align="start" wrap={false}>
      <Card
        style={{ flex: '1 1 60%', minWidth: 0 }}
        title={
          <Flex gap={8} align="center">
            <ApartmentOutlined />
            {t(m.title)}
            {tree.data && (
              <Typography.Text type="secondary" style={{ fontWeight: 'normal' }}>
                {t(m.unitCount, { n: formatNumber(tree.data.length, lang) })}
              </Typography.Text>
            )}
          </Flex>
        }
        extra={
          <Flex gap={8}>
            {canWrite && (
              <Button icon={<ImportOutlined />} onClick={() => setImporting(true)}>
                {t(m.import)}
              </Button>
            )}
            <ExportButton />
            {canWrite && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setForm({ parentId: selected })}>
                {t(m.create)}
              </Button>
            )}
          </Flex>
        }
      >
        <Flex gap={12} align="center" style={{ marginBottom: 12 }}>
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t(m.searchPlaceholder)}
            aria-label={t(m.searchLabel)}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            style={{ maxWidth: 420 }}
          />
          <Checkbox checked={includeClosed} onChange={(e) => setIncludeClosed(e.target.checked)}>
            {t(m.showClosed)}
          </Checkbox>
        </Flex>
        {tree.error && <ProblemAlert error={tree.error} onRetry={() => void tree.refetch()} />}
        {tree.isLoading ? (
          <Skeleton active />
        ) : shown.length === 0 ? (
          <Empty description={q ? t(m.noMatch) : t(m.emptyTree)} />
        ) : (
          <div style={{ maxHeight: 'calc(100vh - 290px)', overflow: 'auto' }}>
            <Tree<UnitNode>
              blockNode
              showLine
              treeData={shown}
              titleRender={renderTitle}
              expandedKeys={expandedKeys}
              onExpand={(keys) => setExpanded(keys as string[])}
              selectedKeys={selected ? [selected] : []}
              onSelect={(keys) => setSelected((keys[0] as string | undefined) ?? null)}
              onDoubleClick={(_e, node) => navigate(`units/${node.key}`)}
            />
          </div>
        )}
      </Card>
      <Card style={{ flex: '0 0 380px', position: 'sticky', top: 0 }} title={unit?.name ?? t(m.unitInfo)}>
        {unit ? (
          <>
            <Descriptions
              column={1}
              size="small"
              items={[
                {
                  key: 'code',
                  label: t(m.codeShort),
                  children: (
                    <Typography.Text code copyable>
                      {unit.code}
                    </Typography.Text>
                  ),
                },
                { key: 'kind', label: t(m.kind), children: t(m[`kind_${unit.kind}`]) },
                { key: 'status', label: t(m.status), children: <UnitStatusTag status={unit.status} /> },
                { key: 'from', label: t(m.validFrom), children: formatDate(unit.validFrom) },
                ...(unit.address ? [{ key: 'address', label: t(m.address), children: unit.address }] : []),
                ...(unit.phone ? [{ key: 'phone', label: t(m.phone), children: unit.phone }] : []),
              ]}
            />
            <Flex gap={8} wrap style={{ marginTop: 12 }}>
              <Button type="primary" onClick={() => navigate(`units/${unit.id}`)}>
                {t(m.openDetail)}
              </Button>
              {canWrite && unit.status === 'active' && (
                <>
                  <Button icon={<PlusOutlined />} onClick={() => setForm({ parentId: unit.id })}>
                    {t(m.createChild)}
                  </Button>
                  <Button icon={<EditOutlined />} onClick={() => setEditing(unit)}>
                    {t(m.edit)}
                  </Button>
                  <Button icon={<SwapOutlined />} onClick={() => setReorg(unit.id)}>
                    {t(m.reorganise)}
                  </Button>
                </>
              )}
            </Flex>
          </>
        ) : (
          <Typography.Text type="secondary">{t(m.selectHint)}</Typography.Text>
        )}
      </Card>
      {form && (
        <UnitFormModal
          parentId={form.parentId}
          onClose={() => setForm(null)}
          onSaved={(u) => {
            setForm(null);
            setSelected(u.id);
          }}
        />
      )}
      {editing && (
        <UnitFormModal unit={editing} onClose={() => setEditing(null)} onSaved={() => setEditing(null)} />
      )}
      {reorg !== false && <ReorganiseModal unitId={reorg} onClose={() => setReorg(false)} />}
      {importing && <ImportModal onClose={() => setImporting(false)} />}
    </Flex>
  );
}
