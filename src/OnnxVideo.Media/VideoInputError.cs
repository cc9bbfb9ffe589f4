namespace OnnxVideo.Media;

/// <summary>Why a video input could not be used.</summary>
public enum VideoInputError
{
    /// <summary>The file or frame folder does not exist.</summary>
    NotFound,
    /// <summary>ffprobe/ffmpeg could not read it: empty, truncated, corrupt or not a media file.</summary>
    Unreadable,
    /// <summary>The container is not one of the accepted formats (for example a playlist or a concat list).</summary>
    UnsupportedFormat,
    /// <summary>The file has no video stream (for example audio only).</summary>
    NoVideoStream,
    /// <summary>The frame size, duration or number of streams exceeds <see cref="MediaOptions"/> limits.</summary>
    TooLarge,
    /// <summary>Probe or decode did not finish before its deadline; the process tree was killed.</summary>
    Timeout,
    /// <summary>The video has no decodable frame where one was expected.</summary>
    TooShort,
    /// <summary>Decoding failed part way, for example a file truncated inside its media data.</summary>
    Corrupt,
    /// <summary>ffmpeg or ffprobe could not be started.</summary>
    ToolMissing,
    /// <summary>The name is not valid UTF-8: .NET decodes it lossily (U+FFFD) and cannot open the file.</summary>
    UndecodableName,
    /// <summary>ffmpeg or ffprobe ran out of memory under <see cref="MediaOptions.MaxToolAddressSpaceBytes"/>.</summary>
    MemoryLimit,
}
