/** Placeholder while this screen is built (replaced in the same issue). */
import { Result } from 'antd';

export default function Placeholder() {
  return <Result status="info" title="AuditPage" />;
}
