/**
 * @module web/components/FormModal
 * The one dialog with a form every create/edit screen uses: a title, the form, a submit button that waits
 * for the server, the server's refusal shown above the form (ProblemAlert, with its code) and under the
 * fields it names, and what is typed kept as a draft in sessionStorage until it is saved.
 */
import type { FormInstance } from 'antd';
import { Form, Modal } from 'antd';
import { type ReactNode, useState } from 'react';
import { useI18n } from '../i18n';
import { fieldMessages } from './formProblems';
import { ProblemAlert } from './ProblemAlert';
import { usePersistentForm } from './usePersistentForm';

/** What a FormModal needs; `T` is the form's values. */
export interface FormModalProps<T extends object> {
  title: ReactNode;
  okText: string;
  cancelText: string;
  /** Sends the values; a throw (an API error) is shown, and the dialog stays open with what was typed. */
  onSubmit: (values: T) => Promise<void>;
  onClose: () => void;
  children: ReactNode;
  /** The caller's form, when it watches or sets fields itself (Form.useForm). */
  form?: FormInstance<T>;
  /** Key of the draft kept in sessionStorage (usePersistentForm); omitted, nothing is kept. */
  draftKey?: string;
  initialValues?: Partial<T>;
  /** Whole-request error codes that belong under one field, e.g. IAM_USERNAME_TAKEN → username. */
  codeFields?: Readonly<Record<string, string>>;
  width?: number;
}

/** A modal form that submits to the server and shows its problems where they belong. */
export function FormModal<T extends object>({
  title,
  okText,
  cancelText,
  onSubmit,
  onClose,
  children,
  form: given,
  draftKey,
  initialValues,
  codeFields,
  width = 640,
}: FormModalProps<T>) {
  const { lang } = useI18n();
  const [own] = Form.useForm<T>();
  const form = given ?? own;
  const draft = usePersistentForm<T>(draftKey ?? null, form);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  const submit = async (values: T) => {
    setSaving(true);
    setError(null);
    try {
      await onSubmit(values);
      draft.clear();
    } catch (err) {
      setError(err);
      const fields = form.getFieldsError().map((f) => f.name.map(String).join('.'));
      form.setFields(fieldMessages(err, fields, lang, codeFields) as Parameters<typeof form.setFields>[0]);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      width={width}
      title={title}
      okText={okText}
      cancelText={cancelText}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      {error ? <ProblemAlert error={error} /> : null}
      <Form<T>
        form={form}
        layout="vertical"
        style={{ marginTop: 12 }}
        onFinish={submit}
        onValuesChange={draft.onValuesChange}
        initialValues={initialValues}
      >
        {children}
      </Form>
    </Modal>
  );
}
