namespace OnnxVideo.Ort.Native;

/// <summary>Turns an <c>OrtStatus*</c> into a typed exception and releases it exactly once.</summary>
internal static unsafe class OrtStatus
{
    public static void Check(nint status)
    {
        if (status != 0)
        {
            throw ToException(status, null);
        }
    }

    public static void Check(nint status, string context)
    {
        if (status != 0)
        {
            throw ToException(status, context);
        }
    }

    public static OrtException ToException(nint status, string? context)
    {
        var code = (OrtErrorCode)OrtApi.GetErrorCode(status);
        var message = Utf8.ToString(OrtApi.GetErrorMessage(status));
        OrtApi.ReleaseStatus(status);
        return context is null ? new OrtException(code, message) : new OrtException(code, message, context);
    }
}
