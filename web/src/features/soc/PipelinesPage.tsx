/**
 * @module web/features/soc/PipelinesPage
 * Parsing and normalisation pipelines: the shipped ones and those operators added, each a YAML definition
 * in a monospace editor with "simulate" on sample lines (the output documents, and errors at their line and
 * column), save, enable and disable. Shipped pipelines are read-only except for enabling.
 */
import { PlayCircleOutlined, PlusOutlined, SaveOutlined } from '@ant-design/icons';
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
import { FormModal } from '../../components/FormModal';
import { ProblemAlert, problemText } from '../../components/ProblemAlert';
import { useI18n } from '../../i18n';
import { type Pipeline, type PipelineProblem, type SimulateResult, soc, socKeys } from './api';
import { m } from './messages';
import { OK_GREEN, PageHead, useStatusText } from './parts';

const mono = { fontFamily: 'monospace', fontSize: 13 } as const;

/** A list answer that is an array or `{ items }`. */
function listOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  const items = (body as { items?: unknown } | null)?.items;
  return Array.isArray(items) ? (items as T[]) : [];
}

const isShipped = (p: Pipeline) => p.shipped === true || p.origin === 'shipped';
const yamlOf = (p: Pipeline) => p.yaml ?? p.source ?? '';

/** Output documents and problems of a simulation, in a common shape. */
function simulationOf(r: SimulateResult): { docs: Record<string, unknown>[]; problems: PipelineProblem[] } {
  if (r.results) {
    return {
      docs: r.results.flatMap((x) => (x.doc ? [x.doc] : [])),
      problems: r.results.flatMap((x) => (x.errors ?? []).map((e) => ({ ...e, line: e.line ?? x.line }))),
    };
  }
  return { docs: r.docs ?? [], problems: r.errors ?? [] };
}

export default function PipelinesPage() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [creating, setCreating] = useState(false);
  const list = useQuery({
    queryKey: socKeys.pipelines,
    queryFn: async () => listOf<Pipeline>(await soc.get<unknown>('/pipelines')),
  });
  const selectedId = params.get('id');
  const selected = list.data?.find((p) => p.id === selectedId) ?? null;

  const setEnabled = useMutation({
    mutationFn: (p: Pipeline) => soc.patch(`/pipelines/${encodeURIComponent(p.id)}`, { enabled: !p.enabled }),
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
              <Button size="small" type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
                {t(m.newPipeline)}
              </Button>
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
                  actions={[
                    <Switch
                      key="enabled"
                      size="small"
                      checked={p.enabled}
                      aria-label={`${p.enabled ? t(m.disable) : t(m.enable)} ${p.id}`}
                      loading={setEnabled.isPending && setEnabled.variables?.id === p.id}
                      onChange={() => setEnabled.mutate(p)}
                    />,
                  ]}
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
                    {p.enabled ? <Tag color={OK_GREEN}>{t(m.enabled)}</Tag> : <Tag>{t(m.disabled)}</Tag>}
                  </Flex>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} xl={16}>
          {selected ? (
            <Editor key={selected.id} pipeline={selected} />
          ) : (
            <Card size="small">
              <Empty description={t(m.choosePipeline)} />
            </Card>
          )}
        </Col>
      </Row>
      {creating && (
        <FormModal<{ id: string; yaml: string }>
          title={t(m.newPipeline)}
          okText={t(m.save)}
          cancelText={t(m.cancel)}
          draftKey="soc.pipeline.new"
          width={760}
          initialValues={{ yaml: 'processors:\n  - json:\n      field: message\n' }}
          onClose={() => setCreating(false)}
          onSubmit={async (v) => {
            await soc.post('/pipelines', { id: v.id.trim(), yaml: v.yaml });
            message.success(t(m.pipelineSaved));
            await qc.invalidateQueries({ queryKey: socKeys.pipelines });
            setCreating(false);
            setParams({ id: v.id.trim() });
          }}
        >
          <Form.Item
            name="id"
            label={t(m.pipelineId)}
            rules={[{ required: true, pattern: /^[a-z0-9][a-z0-9-]{1,62}$/ }]}
          >
            <Input style={mono} />
          </Form.Item>
          <Form.Item name="yaml" label={t(m.yaml)} rules={[{ required: true }]}>
            <Input.TextArea rows={14} style={mono} spellCheck={false} />
          </Form.Item>
        </FormModal>
      )}
    </Flex>
  );
}

/** A pipeline's YAML, sample lines and the simulation's result. */
function Editor({ pipeline }: { pipeline: Pipeline }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const { bad } = useStatusText();
  const qc = useQueryClient();
  const readOnly = isShipped(pipeline);
  const [yaml, setYaml] = useState(yamlOf(pipeline));
  const [samples, setSamples] = useState('');
  useEffect(() => setYaml(yamlOf(pipeline)), [pipeline]);

  const simulate = useMutation({
    mutationFn: () =>
      soc.post<SimulateResult>('/pipelines/simulate', {
        ...(readOnly ? { pipeline: pipeline.id } : { yaml }),
        samples: samples.split('\n').filter((l) => l.trim() !== ''),
      }),
  });
  const save = useMutation({
    mutationFn: () =>
      soc.put(`/pipelines/${encodeURIComponent(pipeline.id)}`, { yaml, enabled: pipeline.enabled }),
    onSuccess: () => {
      message.success(t(m.pipelineSaved));
      void qc.invalidateQueries({ queryKey: socKeys.pipelines });
    },
    onError: (e) => message.error(problemText(e, lang)),
  });
  const result = simulate.data ? simulationOf(simulate.data) : null;

  return (
    <Flex vertical gap={12}>
      <Card
        size="small"
        title={<span style={mono}>{pipeline.id}</span>}
        extra={
          !readOnly && (
            <Button
              icon={<SaveOutlined />}
              type="primary"
              loading={save.isPending}
              onClick={() => save.mutate()}
            >
              {t(m.save)}
            </Button>
          )
        }
      >
        {pipeline.description && <Typography.Paragraph>{pipeline.description}</Typography.Paragraph>}
        <label htmlFor="pipeline-yaml">
          <Typography.Text strong>{t(m.yaml)}</Typography.Text>
        </label>
        <Input.TextArea
          id="pipeline-yaml"
          value={yaml}
          readOnly={readOnly}
          onChange={(e) => setYaml(e.target.value)}
          autoSize={{ minRows: 10, maxRows: 28 }}
          style={{ ...mono, marginTop: 4 }}
          spellCheck={false}
        />
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
          {result && (
            <section aria-label={t(m.simulateResult)} data-testid="simulate-result">
              {result.problems.length === 0 ? (
                <Alert type="success" showIcon title={t(m.noProblems)} />
              ) : (
                <Alert
                  type="error"
                  showIcon
                  title={
                    <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                      {result.problems.map((p) => (
                        <li key={`${p.line}:${p.column}:${p.message}`}>
                          {p.line !== undefined && (
                            <Typography.Text strong>
                              {t(m.problemAt, { line: p.line, column: p.column ?? 1 })}:{' '}
                            </Typography.Text>
                          )}
                          <span style={{ color: bad }}>{p.message}</span>
                          {p.code && <Typography.Text type="secondary"> ({p.code})</Typography.Text>}
                        </li>
                      ))}
                    </ul>
                  }
                />
              )}
              {result.docs.map((doc, i) => (
                <div key={JSON.stringify(doc).slice(0, 200) + String(i)} style={{ marginTop: 8 }}>
                  <Typography.Text strong>{t(m.outputDoc, { n: i + 1 })}</Typography.Text>
                  <pre
                    style={{
                      ...mono,
                      fontSize: 12,
                      margin: 0,
                      whiteSpace: 'pre-wrap',
                      wordBreak: 'break-all',
                    }}
                  >
                    {JSON.stringify(doc, null, 2)}
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
