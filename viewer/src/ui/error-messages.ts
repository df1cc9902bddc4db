/**
 * The archive's error codes (shared/errors.ts) in the user's language. The server's `message`
 * stays English for API clients and is often more precise, so the English UI keeps it; the
 * Vietnamese UI says what the code means (typed by `ErrorCode`: a new code does not compile
 * until it has its sentence here).
 */
import { ERRORS, type ErrorCode } from '../../../shared/errors';

/** i18n.ts's Language, repeated so that this module has no DOM globals and its unit test runs in Node. */
type Language = 'en' | 'vi';

export const errorMessages: Record<Language, Record<ErrorCode | 'status', string>> = {
  en: {
    ...(Object.fromEntries(Object.entries(ERRORS).map(([code, { message }]) => [code, message])) as Record<ErrorCode, string>),
    status: 'The archive answered {status}.',
  },
  vi: {
    BAD_REQUEST: 'Yêu cầu không hợp lệ: hãy kiểm tra các thông tin đã nhập.',
    INVALID_UID: 'Một UID trong yêu cầu không phải UID DICOM hợp lệ.',
    INVALID_QUERY: 'Điều kiện tìm kiếm không hợp lệ.',
    MALFORMED_MULTIPART: 'Dữ liệu gửi lên bị hỏng, không đọc được.',
    UNAUTHORIZED: 'Tên đăng nhập, mật khẩu, mã PIN hoặc liên kết không đúng hay đã hết hạn, hoặc tài khoản đã bị khoá.',
    FORBIDDEN: 'Tài khoản của bạn không được phép làm việc này.',
    NOT_FOUND: 'Không tìm thấy dữ liệu được yêu cầu trong kho lưu trữ.',
    METHOD_NOT_ALLOWED: 'Kho lưu trữ không cho phép thao tác này ở đây.',
    NOT_ACCEPTABLE: 'Kho lưu trữ không tạo được dữ liệu ở định dạng được yêu cầu.',
    CONFLICT: 'Thao tác mâu thuẫn với trạng thái hiện tại của kho lưu trữ (ví dụ: đã đóng, hoặc sẽ không còn quản trị viên nào).',
    PAYLOAD_TOO_LARGE: 'Dữ liệu gửi lên lớn hơn mức cho phép.',
    TOO_MANY_REQUESTS: 'Quá nhiều lần thử không thành công; hãy đợi rồi thử lại.',
    UNSUPPORTED_MEDIA_TYPE: 'Kho lưu trữ không nhận loại dữ liệu này.',
    RANGE_NOT_SATISFIABLE: 'Đoạn dữ liệu được yêu cầu nằm ngoài giá trị.',
    BLOB_NOT_FOUND: 'Tệp đã lưu không còn trong kho lưu trữ.',
    STORAGE_FAILURE: 'Kho lưu trữ tạm thời không truy cập được nơi lưu tệp; hãy thử lại sau.',
    STORAGE_FULL: 'Ổ đĩa của kho lưu trữ gần đầy: tạm thời không nhận ảnh mới cho đến khi có thêm dung lượng. Vẫn xem được ảnh đã lưu.',
    PEER_UNREACHABLE: 'Kho lưu trữ ở bệnh viện kia không trả lời; hãy thử lại sau.',
    PEER_ERROR: 'Kho lưu trữ ở bệnh viện kia trả lời lỗi hoặc không theo chuẩn DICOMweb.',
    INTERNAL: 'Kho lưu trữ gặp lỗi nội bộ.',
    status: 'Kho lưu trữ trả về mã lỗi {status}.',
  },
};

/** An error answer as a sentence in `language`: the server's own words in English, its code's meaning in Vietnamese. */
export function archiveErrorMessage(error: { message: string; status: number; code?: ErrorCode }, language: Language): string {
  if (language === 'en') return error.message;
  return error.code ? errorMessages[language][error.code] : errorMessages[language].status.replace('{status}', String(error.status));
}
