/**
 * @module web/components/FileUpload
 * Picks a file and sends it with a progress bar (XMLHttpRequest reports upload progress; fetch does not).
 */
import { UploadOutlined } from '@ant-design/icons';
import { Button, Progress, Space } from 'antd';
import { useRef, useState } from 'react';
import { ApiError, networkError, type ProblemBody } from '../api/errors';

/** Sends `body(file)` to `url` with the CSRF header and reports progress; resolves with the JSON answer. */
export function uploadWithProgress(
  url: string,
  body: string | Blob,
  contentType: string,
  csrf: string | null,
  onProgress: (percent: number) => void,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('content-type', contentType);
    if (csrf) xhr.setRequestHeader('x-csrf-token', csrf);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    xhr.onerror = () => reject(networkError());
    xhr.onload = () => {
      const json = xhr.responseText ? (JSON.parse(xhr.responseText) as unknown) : null;
      if (xhr.status >= 200 && xhr.status < 300) resolve(json);
      else reject(new ApiError(json as ProblemBody));
    };
    xhr.send(body);
  });
}

/** A button that picks a file (`accept`), then hands it to `onFile` while showing `percent`. */
export function FileUpload({
  label,
  accept,
  onFile,
  percent,
}: {
  label: string;
  accept: string;
  onFile: (file: File) => void;
  percent: number | null;
}) {
  const input = useRef<HTMLInputElement>(null);
  const [name, setName] = useState<string | null>(null);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <input
        ref={input}
        type="file"
        accept={accept}
        aria-label={label}
        style={{ display: 'none' }}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) {
            setName(file.name);
            onFile(file);
          }
          e.target.value = '';
        }}
      />
      <Button icon={<UploadOutlined />} onClick={() => input.current?.click()}>
        {name ?? label}
      </Button>
      {percent !== null && <Progress percent={percent} size="small" />}
    </Space>
  );
}
