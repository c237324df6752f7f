/**
 * @module soc/pipelines/errors
 * Error codes of the pipelines: operator pipelines, their validation and the simulator.
 */
import { defineErrors } from '../../core/errors/define.ts';

/** The pipelines' error codes, spread into `socErrors`. */
export const pipelineErrors = defineErrors({
  SOC_PIPELINE_INVALID: {
    status: 400,
    vi: 'Luồng xử lý không hợp lệ tại dòng {line}, cột {column}: {reason}',
    en: 'The pipeline is invalid at line {line}, column {column}: {reason}',
  },
  SOC_PIPELINE_NOT_FOUND: {
    status: 404,
    vi: 'Không tìm thấy luồng xử lý {id}.',
    en: 'Pipeline {id} not found.',
  },
  SOC_PIPELINE_EXISTS: {
    status: 409,
    vi: 'Đã có luồng xử lý của người vận hành mang mã {id}; hãy sửa luồng đó.',
    en: 'An operator pipeline with id {id} already exists; edit it instead.',
  },
  SOC_PIPELINE_READ_ONLY: {
    status: 409,
    vi: 'Luồng xử lý {id} có sẵn trong hệ thống, chỉ đọc; muốn thay đổi hãy tạo luồng mới cùng mã để thay thế.',
    en: 'Pipeline {id} is shipped and read-only; to change it, create an operator pipeline with the same id.',
  },
  SOC_PIPELINE_ID_MISMATCH: {
    status: 400,
    vi: 'Mã trong nội dung luồng xử lý ({found}) khác với mã đang sửa ({id}).',
    en: 'The id in the pipeline source ({found}) differs from the pipeline being edited ({id}).',
  },
  SOC_PIPELINE_VERSION_CONFLICT: {
    status: 409,
    vi: 'Luồng xử lý {id} đã được người khác sửa (phiên bản hiện tại {current}); hãy tải lại rồi sửa.',
    en: 'Pipeline {id} was changed meanwhile (current version {current}); reload it and edit again.',
  },
});
