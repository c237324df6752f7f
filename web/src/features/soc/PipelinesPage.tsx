/**
 * @module web/features/soc/PipelinesPage
 * Parsing and normalisation pipelines: the shipped ones and those operators added, each a YAML definition
 * in a monospace editor with "simulate" on sample lines (the output documents, and errors at their line and
 * column), save, enable and disable. Shipped pipelines are read-only except for enabling.
 */
import { CopyOutlined, PlayCircleOutlined, PlusOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Flex,
  Form,
  Input,
  List,
  Row,
  Switch,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { toApiError } from '../../api/errors';
import { useSession } from '../../auth/session';
import { FormModal } from '../../components/FormModal';
import { ProblemAlert, problemText } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { type Pipeline, type SimulateResult, type SimulateSample, soc, socKeys } from './api';
import { m } from './messages';
import { OK_GREEN, PageHead, useStatusText } from './parts';

const mono = { fontFamily: 'monospace', fontSize: 13 } as const;

/** The samples typed, one per line: a JSON object is a document, anything else a line of a log file. */
export function samplesOf(text: string): SimulateSample[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      if (/^\s*\{/.test(line)) {
        try {
          const doc = JSON.parse(line) as unknown;
          if (doc && typeof doc === 'object' && !Array.isArray(doc))
            return { doc: doc as Record<string, unknown>, kind: 'http' as const };
        } catch {
          // Not JSON after all: simulated as the text line it is.
        }
      }
      return { text: line, kind: 'file' as const };
    });
}

/** The YAML problems of a refusal (`source:<line>:<column>` fields), for the editor. */
function yamlProblems(error: unknown): { line: number; column: number; message: string }[] {
  if (!error) return [];
  return toApiError(error).fieldErrors.flatMap((f) => {
    const at = /^source:(\d+):(\d+)$/.exec(f.field);
    return at ? [{ line: Number(at[1]), column: Number(at[2]), message: f.message }] : [];
  });
}

const isShipped = (p: Pipeline) => p.origin === 'shipped';

const NEW_SOURCE = `id: my-pipeline
name: My pipeline
description: What it parses
priority: 50
match:
  any:
    - { field: log.syslog.appname, equals: myapp }
processors:
  - set: { field: event.dataset, value: myapp.log }
`;

export default function PipelinesPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const { has } = useSession();
  const canWrite = has('soc.config.write');
  // A new pipeline, or an operator copy of a shipped one (same id: it replaces the shipped one).
  const [creating, setCreating] = useState<string | null>(null);
  const list = useQuery({
    queryKey: socKeys.pipelines,
    queryFn: async () => (await soc.get<{ items: Pipeline[] }>('/pipelines')).items,
  });
  const selectedId = params.get('id');
  const selected = list.data?.find((p) => p.id === selectedId) ?? null;

  const setEnabled = useMutation({
    mutationFn: (p: Pipeline) =>
      soc.put(`/pipelines/${encodeURIComponent(p.id)}`, {
        source: p.source,
        enabled: !p.enabled,
        version: p.version ?? undefined,
      }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: socKeys.pipelines }),
    onError: (e) => message.error(problemText(e, lang)),
  });

  return (
    <Flex vertical gap={12}>
      <PageHead title={t(m.pipelinesTitle)} intro={t(m.pipelinesIntro)} />
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={8}>
          <Card
            size="small"
            title={t(m.pipelinesTitle)}
            extra={
              canWrite && (
                <Button
                  size="small"
                  type="primary"
                  icon={<PlusOutlined />}
                  onClick={() => setCreating(NEW_SOURCE)}
                >
                  {t(m.newPipeline)}
                </Button>
              )
            }
          >
            {list.error ? <ProblemAlert error={list.error} onRetry={() => void list.refetch()} /> : null}
            <List<Pipeline>
              size="small"
              loading={list.isLoading}
              dataSource={list.data ?? []}
              renderItem={(p) => (
                <List.Item
                  style={{
                    cursor: 'pointer',
                    background: p.id === selectedId ? 'rgba(47, 99, 196, 0.12)' : undefined,
                    paddingInline: 8,
                  }}
                  actions={
                    canWrite && !isShipped(p)
                      ? [
                          <Switch
                            key="enabled"
                            size="small"
                            checked={p.enabled}
                            aria-label={`${p.enabled ? t(m.disable) : t(m.enable)} ${p.id}`}
                            loading={setEnabled.isPending && setEnabled.variables?.id === p.id}
                            onChange={() => setEnabled.mutate(p)}
                          />,
                        ]
                      : undefined
                  }
                >
                  <Button
                    type="link"
                    style={{ padding: 0, height: 'auto', textAlign: 'start' }}
                    aria-current={p.id === selectedId ? 'true' : undefined}
                    onClick={() => setParams({ id: p.id })}
                  >
                    <Flex vertical align="start" style={{ lineHeight: 1.3 }}>
                      <span style={mono}>{p.id}</span>
                      {p.name && p.name !== p.id && (
                        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                          {p.name}
                        </Typography.Text>
                      )}
                    </Flex>
                  </Button>
                  <Flex gap={4} style={{ marginInlineStart: 'auto' }}>
                    <Tag>{isShipped(p) ? t(m.shipped) : t(m.operator)}</Tag>
                    {p.overrides && <Tag>{t(m.overridden)}</Tag>}
                    {p.enabled ? <Tag color={OK_GREEN}>{t(m.enabled)}</Tag> : <Tag>{t(m.disabled)}</Tag>}
                  </Flex>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} xl={16}>
          {selected ? (
            <Editor
              key={`${selected.id}|${selected.origin}`}
              pipeline={selected}
              canWrite={canWrite}
              onCopy={() => setCreating(selected.source)}
            />
          ) : (
            <Card size="small">
              <Empty description={t(m.choosePipeline)} />
            </Card>
          )}
        </Col>
      </Row>
      {creating !== null && (
        <FormModal<{ source: string }>
          title={t(m.newPipeline)}
          okText={t(m.save)}
          cancelText={t(m.cancel)}
          width={820}
          initialValues={{ source: creating }}
          onClose={() => setCreating(null)}
          onSubmit={async (v) => {
            const created = await soc.post<Pipeline>('/pipelines', { source: v.source, enabled: true });
            message.success(t(m.pipelineSaved));
            await qc.invalidateQueries({ queryKey: socKeys.pipelines });
            setCreating(null);
            setParams({ id: created.id });
          }}
        >
          <Form.Item name="source" label={t(m.yaml)} rules={[{ required: true }]}>
            <Input.TextArea rows={18} style={mono} spellCheck={false} />
          </Form.Item>
        </FormModal>
      )}
    </Flex>
  );
}

/** A pipeline's YAML, sample lines and the simulation's result. */
function Editor({
  pipeline,
  canWrite,
  onCopy,
}: {
  pipeline: Pipeline;
  canWrite: boolean;
  onCopy: () => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { bad } = useStatusText();
  const qc = useQueryClient();
  const readOnly = isShipped(pipeline) || !canWrite;
  const [source, setSource] = useState(pipeline.source);
  const [samples, setSamples] = useState('');
  useEffect(() => setSource(pipeline.source), [pipeline.source]);

  const simulate = useMutation({
    mutationFn: () =>
      soc.post<SimulateResult>('/pipelines/simulate', {
        ...(source === pipeline.source ? { id: pipeline.id } : { source }),
        samples: samplesOf(samples),
      }),
  });
  const save = useMutation({
    mutationFn: () =>
      soc.put(`/pipelines/${encodeURIComponent(pipeline.id)}`, {
        source,
        enabled: pipeline.enabled,
        version: pipeline.version ?? undefined,
      }),
    onSuccess: () => {
      message.success(t(m.pipelineSaved));
      void qc.invalidateQueries({ queryKey: socKeys.pipelines });
    },
  });
  const problems = [...yamlProblems(save.error), ...yamlProblems(simulate.error)];

  return (
    <Flex vertical gap={12}>
      <Card
        size="small"
        title={
          <Flex vertical>
            <span style={mono}>{pipeline.id}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>
              {pipeline.name}
            </Typography.Text>
          </Flex>
        }
        extra={
          canWrite &&
          (isShipped(pipeline) ? (
            <Button icon={<CopyOutlined />} onClick={onCopy}>
              {t(m.copyToEdit)}
            </Button>
          ) : (
            <Button
              icon={<SaveOutlined />}
              type="primary"
              loading={save.isPending}
              onClick={() => save.mutate()}
            >
              {t(m.save)}
            </Button>
          ))
        }
      >
        <Flex vertical gap={8}>
          {pipeline.description && <Typography.Text>{pipeline.description}</Typography.Text>}
          {isShipped(pipeline) && <Alert type="info" showIcon title={t(m.shippedReadOnly)} />}
          {pipeline.loadError && <Alert type="error" showIcon title={pipeline.loadError} />}
          {save.error ? <ProblemAlert error={save.error} /> : null}
          <label htmlFor="pipeline-yaml">
            <Typography.Text strong>{t(m.yaml)}</Typography.Text>
          </label>
          <Input.TextArea
            id="pipeline-yaml"
            value={source}
            readOnly={readOnly}
            onChange={(e) => setSource(e.target.value)}
            autoSize={{ minRows: 10, maxRows: 28 }}
            style={mono}
            spellCheck={false}
            aria-invalid={problems.length > 0 || undefined}
          />
          {problems.length > 0 && (
            <ul style={{ margin: 0, paddingInlineStart: 18 }} data-testid="yaml-problems">
              {problems.map((p) => (
                <li key={`${p.line}:${p.column}:${p.message}`}>
                  <Typography.Text strong>
                    {t(m.problemAt, { line: p.line, column: p.column })}:{' '}
                  </Typography.Text>
                  <span style={{ color: bad }}>{p.message}</span>
                </li>
              ))}
            </ul>
          )}
        </Flex>
      </Card>
      <Card size="small" title={t(m.simulate)}>
        <Flex vertical gap={8}>
          <label htmlFor="pipeline-samples">
            <Typography.Text strong>{t(m.samples)}</Typography.Text>
          </label>
          <Input.TextArea
            id="pipeline-samples"
            value={samples}
            onChange={(e) => setSamples(e.target.value)}
            autoSize={{ minRows: 3, maxRows: 12 }}
            style={mono}
            spellCheck={false}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t(m.samplesHelp)}
          </Typography.Text>
          <div>
            <Button
              icon={<PlayCircleOutlined />}
              loading={simulate.isPending}
              disabled={!samples.trim()}
              onClick={() => simulate.mutate()}
            >
              {t(m.simulate)}
            </Button>
          </div>
          {simulate.error ? <ProblemAlert error={simulate.error} /> : null}
          {simulate.data && (
            <section aria-label={t(m.simulateResult)} data-testid="simulate-result">
              {simulate.data.results.map((r, i) => (
                <div key={`${r.ts}|${String(i)}`} style={{ marginTop: 8 }}>
                  <Flex gap={8} align="center" wrap>
                    <Typography.Text strong>{t(m.outputDoc, { n: i + 1 })}</Typography.Text>
                    {r.pipeline && <Tag>{r.pipeline}</Tag>}
                    {r.dropped && <Tag>{t(m.droppedByPipeline)}</Tag>}
                    {r.error && <span style={{ color: bad }}>{r.error}</span>}
                  </Flex>
                  <pre
                    style={{
                      ...mono,
                      fontSize: 12,
                      margin: 0,
                      whiteSpace: 'pre-wrap',
                      wordBreak: 'break-all',
                    }}
                  >
                    {JSON.stringify(r.doc, null, 2)}
                  </pre>
                </div>
              ))}
            </section>
          )}
        </Flex>
      </Card>
    </Flex>
  );
}
