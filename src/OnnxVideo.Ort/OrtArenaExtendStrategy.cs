namespace OnnxVideo.Ort;

/// <summary>How ORT's BFC arena grows when it runs out (the values of the C API's "arena_extend_strategy").</summary>
internal enum OrtArenaExtendStrategy
{
    /// <summary>ORT's default: each new region doubles the last one (up to 1 GiB), so up to about half of the last region is spare.</summary>
    NextPowerOfTwo = 0,

    /// <summary>Each new region is exactly the request that did not fit.</summary>
    SameAsRequested = 1,
}
