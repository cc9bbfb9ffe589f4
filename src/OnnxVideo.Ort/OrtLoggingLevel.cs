namespace OnnxVideo.Ort;

/// <summary>ORT log severity; messages below the chosen level are dropped.</summary>
public enum OrtLoggingLevel
{
    Verbose = 0,
    Info = 1,
    Warning = 2,
    Error = 3,
    Fatal = 4,
}
