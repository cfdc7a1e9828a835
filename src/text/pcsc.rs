//! Every PC/SC error in words of its own, in English and Japanese: the pcsc crate's texts are
//! English only and written for programmers. A new error in the pcsc crate does not build until
//! it has its words here.

use pcsc::Error;

use crate::i18n::Lang;

/// The error, with its PC/SC code for whoever helps, and the next step.
pub(crate) fn pcsc_message(error: Error, lang: Lang) -> String {
    let code = error as u32;
    match lang {
        Lang::En => format!(
            "{} (PC/SC error 0x{code:08X}). Connect the card reader and the card again, then try again.",
            pcsc_cause(error, lang)
        ),
        Lang::Ja => format!(
            "{}（PC/SC エラー 0x{code:08X}）。カードリーダーとカードを接続し直してから、もう一度試してください。",
            pcsc_cause(error, lang)
        ),
    }
}

/// What went wrong, in one sentence a person can read.
pub(crate) fn pcsc_cause(error: Error, lang: Lang) -> &'static str {
    let (en, ja) = match error {
        Error::InternalError => (
            "The smart card service failed an internal check",
            "スマートカードサービスの内部の確認で異常がありました",
        ),
        Error::Cancelled => (
            "The smart card operation was cancelled",
            "スマートカードの操作が取り消されました",
        ),
        Error::InvalidHandle => (
            "The connection to the card reader was no longer valid",
            "カードリーダーとの接続が無効になっていました",
        ),
        Error::InvalidParameter => (
            "The smart card service did not accept a request",
            "スマートカードサービスが要求を受け付けませんでした",
        ),
        Error::InvalidTarget => (
            "The smart card service's start-up settings are missing or wrong",
            "スマートカードサービスの起動設定がないか、正しくありません",
        ),
        Error::NoMemory => (
            "The computer did not have enough memory for the smart card service",
            "スマートカードサービスに必要なメモリーが足りませんでした",
        ),
        Error::WaitedTooLong => (
            "The smart card service waited too long for itself",
            "スマートカードサービスが内部の処理を待ちきれませんでした",
        ),
        Error::InsufficientBuffer => (
            "The card's answer was larger than expected",
            "カードの応答が想定より大きすぎました",
        ),
        Error::UnknownReader => (
            "The card reader is not known to the smart card service",
            "このカードリーダーはスマートカードサービスに認識されていません",
        ),
        Error::Timeout => (
            "The smart card service did not answer in time",
            "スマートカードサービスが時間内に応答しませんでした",
        ),
        Error::SharingViolation => (
            "Another program is using the card",
            "別のプログラムがカードを使用中です",
        ),
        Error::NoSmartcard => (
            "There is no card in the card reader",
            "カードリーダーにカードがありません",
        ),
        Error::UnknownCard => (
            "The smart card service does not know this kind of card",
            "スマートカードサービスがこの種類のカードを認識できません",
        ),
        Error::CantDispose => (
            "The card reader could not leave the card as asked",
            "カードリーダーが指示どおりにカードを扱えませんでした",
        ),
        Error::ProtoMismatch => (
            "The card and the card reader do not speak a common protocol",
            "カードとカードリーダーの通信方式が合いません",
        ),
        Error::NotReady => (
            "The card reader or the card is not ready",
            "カードリーダーまたはカードの準備ができていません",
        ),
        Error::InvalidValue => (
            "The smart card service did not accept a value",
            "スマートカードサービスが値を受け付けませんでした",
        ),
        Error::SystemCancelled => (
            "The system cancelled the operation (logging off or shutting down)",
            "システムが操作を取り消しました（ログオフまたはシャットダウン中）",
        ),
        Error::CommError => (
            "Communication with the card reader failed inside the smart card service",
            "スマートカードサービスの内部でカードリーダーとの通信に失敗しました",
        ),
        Error::UnknownError => (
            "The smart card service failed for an unknown reason",
            "スマートカードサービスで原因不明の異常がありました",
        ),
        Error::InvalidAtr => (
            "The card's answer to reset (ATR) is not valid",
            "カードのリセット応答（ATR）が正しくありません",
        ),
        Error::NotTransacted => (
            "The card was no longer reserved for mynapin",
            "カードが mynapin 専用の状態ではなくなっていました",
        ),
        Error::ReaderUnavailable => (
            "The card reader is not available (it may have been unplugged)",
            "カードリーダーが使えません（取り外された可能性があります）",
        ),
        Error::Shutdown => (
            "The smart card service stopped the operation to shut down",
            "スマートカードサービスが終了のため操作を中止しました",
        ),
        Error::PciTooSmall => (
            "The card's answer did not fit",
            "カードの応答が収まりませんでした",
        ),
        Error::ReaderUnsupported => (
            "The card reader's driver is not supported",
            "カードリーダーのドライバーがサポートされていません",
        ),
        Error::DuplicateReader => (
            "The card reader's driver gave a name another reader has",
            "カードリーダーのドライバーが、ほかのリーダーと同じ名前を付けました",
        ),
        Error::CardUnsupported => (
            "The card is not supported by the smart card service",
            "このカードはスマートカードサービスでサポートされていません",
        ),
        Error::NoService => (
            "The smart card service is not running",
            "スマートカードサービスが動いていません",
        ),
        Error::ServiceStopped => (
            "The smart card service stopped",
            "スマートカードサービスが停止しました",
        ),
        #[cfg(target_os = "windows")]
        Error::Unexpected => (
            "The card answered in an unexpected way",
            "カードが想定外の応答をしました",
        ),
        Error::IccInstallation => (
            "No provider is installed for this card",
            "このカードに対応する提供元がインストールされていません",
        ),
        Error::IccCreateorder => (
            "The card does not support the requested order of steps",
            "カードが要求された手順の順序に対応していません",
        ),
        Error::UnsupportedFeature => (
            "The card does not support the requested feature",
            "カードが要求された機能に対応していません",
        ),
        Error::DirNotFound => (
            "The card has no such folder",
            "カードに指定のフォルダーがありません",
        ),
        Error::FileNotFound => (
            "The card has no such file",
            "カードに指定のファイルがありません",
        ),
        Error::NoDir => (
            "The card's folder is not valid",
            "カードのフォルダーが正しくありません",
        ),
        Error::NoFile => (
            "The card's file is not valid",
            "カードのファイルが正しくありません",
        ),
        Error::NoAccess => (
            "The card refused access to a file",
            "カードがファイルへのアクセスを拒否しました",
        ),
        Error::WriteTooMany => ("The card is full", "カードに空きがありません"),
        Error::BadSeek => (
            "The card could not reach a place in a file",
            "カードがファイル内の位置に移動できませんでした",
        ),
        Error::InvalidChv => (
            "The smart card service rejected a PIN",
            "スマートカードサービスが暗証番号を受け付けませんでした",
        ),
        Error::UnknownResMng => (
            "The smart card service gave an error it does not know",
            "スマートカードサービスが不明なエラーを返しました",
        ),
        Error::NoSuchCertificate => (
            "The certificate asked for does not exist",
            "要求された証明書がありません",
        ),
        Error::CertificateUnavailable => (
            "The certificate asked for cannot be read",
            "要求された証明書を読み取れません",
        ),
        Error::NoReadersAvailable => (
            "No card reader is connected",
            "カードリーダーが接続されていません",
        ),
        Error::CommDataLost => (
            "Data was lost between the computer and the card",
            "コンピューターとカードの間でデータが失われました",
        ),
        Error::NoKeyContainer => (
            "The key container asked for does not exist",
            "要求された鍵コンテナーがありません",
        ),
        Error::ServerTooBusy => (
            "The smart card service is too busy",
            "スマートカードサービスが混み合っています",
        ),
        Error::UnsupportedCard => (
            "The card does not fit this card reader (its answer to reset conflicts with it)",
            "カードがこのカードリーダーに対応していません（リセット応答が合いません）",
        ),
        Error::UnresponsiveCard => ("The card does not answer", "カードが応答しません"),
        Error::UnpoweredCard => ("The card has no power", "カードに電源が入っていません"),
        Error::ResetCard => ("The card was reset", "カードがリセットされました"),
        Error::RemovedCard => ("The card was removed", "カードが取り外されました"),
        Error::SecurityViolation => (
            "The card refused access for security reasons",
            "カードがセキュリティ上の理由でアクセスを拒否しました",
        ),
        Error::WrongChv => (
            "The card did not accept a PIN given through the smart card service",
            "スマートカードサービス経由の暗証番号をカードが受け付けませんでした",
        ),
        Error::ChvBlocked => (
            "A PIN on the card is blocked",
            "カードの暗証番号がロックされています",
        ),
        Error::Eof => (
            "The end of a file on the card was reached",
            "カードのファイルの終わりに達しました",
        ),
        Error::CancelledByUser => (
            "The operation was cancelled by the user",
            "利用者が操作を取り消しました",
        ),
        Error::CardNotAuthenticated => (
            "No PIN was given to the card through the smart card service",
            "スマートカードサービス経由でカードに暗証番号が渡されていません",
        ),
        Error::CacheItemNotFound => (
            "An item is missing from the smart card service's cache",
            "スマートカードサービスのキャッシュに項目がありません",
        ),
        Error::CacheItemStale => (
            "An item in the smart card service's cache is out of date",
            "スマートカードサービスのキャッシュの項目が古くなっています",
        ),
        Error::CacheItemTooBig => (
            "An item is too big for the smart card service's cache",
            "スマートカードサービスのキャッシュに収まらない項目です",
        ),
    };
    lang.pick(en, ja)
}

/// Every PC/SC error (but Windows' own `Unexpected`), for the messages catalog.
#[cfg(test)]
pub(crate) const EVERY_PCSC_ERROR: &[Error] = &[
    Error::InternalError,
    Error::Cancelled,
    Error::InvalidHandle,
    Error::InvalidParameter,
    Error::InvalidTarget,
    Error::NoMemory,
    Error::WaitedTooLong,
    Error::InsufficientBuffer,
    Error::UnknownReader,
    Error::Timeout,
    Error::SharingViolation,
    Error::NoSmartcard,
    Error::UnknownCard,
    Error::CantDispose,
    Error::ProtoMismatch,
    Error::NotReady,
    Error::InvalidValue,
    Error::SystemCancelled,
    Error::CommError,
    Error::UnknownError,
    Error::InvalidAtr,
    Error::NotTransacted,
    Error::ReaderUnavailable,
    Error::Shutdown,
    Error::PciTooSmall,
    Error::ReaderUnsupported,
    Error::DuplicateReader,
    Error::CardUnsupported,
    Error::NoService,
    Error::ServiceStopped,
    Error::IccInstallation,
    Error::IccCreateorder,
    Error::UnsupportedFeature,
    Error::DirNotFound,
    Error::FileNotFound,
    Error::NoDir,
    Error::NoFile,
    Error::NoAccess,
    Error::WriteTooMany,
    Error::BadSeek,
    Error::InvalidChv,
    Error::UnknownResMng,
    Error::NoSuchCertificate,
    Error::CertificateUnavailable,
    Error::NoReadersAvailable,
    Error::CommDataLost,
    Error::NoKeyContainer,
    Error::ServerTooBusy,
    Error::UnsupportedCard,
    Error::UnresponsiveCard,
    Error::UnpoweredCard,
    Error::ResetCard,
    Error::RemovedCard,
    Error::SecurityViolation,
    Error::WrongChv,
    Error::ChvBlocked,
    Error::Eof,
    Error::CancelledByUser,
    Error::CardNotAuthenticated,
    Error::CacheItemNotFound,
    Error::CacheItemStale,
    Error::CacheItemTooBig,
];
