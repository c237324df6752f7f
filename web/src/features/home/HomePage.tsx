/** Placeholder while the home page is built. */
import { Result } from 'antd';

export default function HomePage() {
  return <Result status="success" title="Tỉnh Số" />;
}
