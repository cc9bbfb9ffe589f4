namespace OnnxVideo.Ort;

/// <summary>An ONNX Runtime call failed; carries ORT's own error code and message.</summary>
public class OrtException : Exception
{
    public OrtException(OrtErrorCode errorCode, string ortMessage)
        : base($"ONNX Runtime error {errorCode}: {ortMessage}")
    {
        ErrorCode = errorCode;
        OrtMessage = ortMessage;
    }

    public OrtException(OrtErrorCode errorCode, string ortMessage, string context)
        : base($"{context}: ONNX Runtime error {errorCode}: {ortMessage}")
    {
        ErrorCode = errorCode;
        OrtMessage = ortMessage;
    }

    /// <summary>ORT's error code.</summary>
    public OrtErrorCode ErrorCode { get; }

    /// <summary>ORT's message, unchanged.</summary>
    public string OrtMessage { get; }
}
