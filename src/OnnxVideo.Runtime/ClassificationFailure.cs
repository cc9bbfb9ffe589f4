namespace OnnxVideo.Runtime;

/// <summary>Why one item could not be classified.</summary>
public enum ClassificationFailure
{
    /// <summary>The file does not exist or cannot be opened.</summary>
    NotFound,
    /// <summary>The file is not a video ffmpeg can decode (corrupt, wrong container, no video stream, refused format).</summary>
    Unreadable,
    /// <summary>The video has fewer frames than a clip needs and padding is off.</summary>
    TooShort,
    /// <summary>The item's deadline passed before it was classified.</summary>
    DeadlineExceeded,
    /// <summary>The frames handed in by the application do not fit (size, count or buffer length).</summary>
    InvalidFrames,
    /// <summary>ONNX Runtime failed while running the batch that held this item.</summary>
    InferenceFailed,
    /// <summary>The operation was cancelled before the item finished.</summary>
    Cancelled,
}
