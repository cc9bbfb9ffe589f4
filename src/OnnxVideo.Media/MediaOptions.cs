using OnnxVideo.Media.Ffmpeg;

namespace OnnxVideo.Media;

/// <summary>Tool locations, safety limits and deadlines for probing and decoding. The defaults are the hardened
/// settings; loosen them deliberately.</summary>
public sealed record MediaOptions
{
    public static MediaOptions Default { get; } = new();

    public string FfmpegPath { get; init; } = "ffmpeg";
    public string FfprobePath { get; init; } = "ffprobe";

    /// <summary>Largest accepted frame (width × height, as stored), checked from the probe before decoding and
    /// enforced again inside the decoder (ffmpeg's max_pixels).</summary>
    public long MaxPixelsPerFrame { get; init; } = 4096L * 4096;
    /// <summary>Longest accepted video, checked from the probe before decoding.</summary>
    public double MaxDurationSeconds { get; init; } = 4 * 3600;
    /// <summary>Most streams (of any kind) a container may hold, checked from the probe before decoding: every
    /// stream costs ffmpeg memory while it opens the file, even the ones not decoded.</summary>
    public int MaxStreams { get; init; } = 64;
    /// <summary>Address-space limit (bytes) of each ffprobe/ffmpeg child, set with <c>prlimit</c> (util-linux) or the
    /// shell's <c>ulimit -v</c>; a tool that runs out fails with <see cref="VideoInputError.MemoryLimit"/>. 0 = no
    /// limit. Ignored where neither is available (not Unix).</summary>
    public long MaxToolAddressSpaceBytes { get; init; } = 2L << 30;
    /// <summary>When a stream ends before the frame count its container declares (a truncated file), or an image of a
    /// frame folder cannot be decoded, fill the missing frames with the nearest decoded one and report it in
    /// <see cref="ClipReadResult.Warnings"/> (true), or fail with <see cref="VideoInputError.Corrupt"/> (false, the
    /// CLI's <c>--no-pad</c>).</summary>
    public bool PadMissingFrames { get; init; } = true;
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan DecodeTimeout { get; init; } = TimeSpan.FromSeconds(120);
    /// <summary>Characters of stderr kept for error messages (the last ones).</summary>
    public int StderrTailChars { get; init; } = 4096;
    /// <summary>Decoder threads per ffmpeg process. 1 suits data loaders running several decodes at once.</summary>
    public int DecoderThreads { get; init; } = 1;
    /// <summary>Count packets when the container does not state the frame count (a demux-only pass; exact, slower).</summary>
    public bool ExactFrameCount { get; init; }
    /// <summary>
    /// A <see cref="VideoClipReader"/> remembers each file's probe (checked against its size and modification time),
    /// so reading the same files again starts only the decoding process. Suits training, which reads every clip each
    /// epoch; off by default, because a long-running classifier sees each file once.
    /// </summary>
    public bool CacheProbes { get; init; }
    /// <summary>
    /// A training read of a video whose probe is not cached runs one ffmpeg process that reports the stream and
    /// decodes (<see cref="ProbingFrameDecoder"/>) instead of ffprobe then ffmpeg; so does a test-time read of an MP4/MOV
    /// file, its clips placed by the exact frame count of the file's sample tables (<see cref="Mp4VideoTrack"/>). Other
    /// test-time reads probe with ffprobe. Whenever a one-process read is not plainly fine it falls back to the two
    /// processes. On by default; off gives the two-process read everywhere.
    /// </summary>
    public bool ProbeWhileDecoding { get; init; } = true;
    /// <summary>Bounds the number of ffmpeg/ffprobe processes running at once; shared process-wide by default.</summary>
    public MediaProcessLimiter ProcessLimiter { get; init; } = MediaProcessLimiter.Shared;

    /// <summary>Demuxers (ffmpeg short names) allowed for video files. Playlists (hls, dash), concat lists, image
    /// sequences and network formats are deliberately absent: they make ffmpeg open other files.</summary>
    public IReadOnlyList<string> AllowedFormats { get; init; } =
        ["mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "avi", "mpegts", "flv", "ogg"];

    /// <summary>Frame rate assumed for frame folders (frame dumps have no timestamps).</summary>
    public double FrameFolderFrameRate { get; init; } = 30;

    internal void Validate()
    {
        if (MaxPixelsPerFrame < 1 || MaxDurationSeconds <= 0 || MaxStreams < 1 || MaxToolAddressSpaceBytes < 0 || StderrTailChars < 0 || DecoderThreads < 0
            || ProbeTimeout <= TimeSpan.Zero || DecodeTimeout <= TimeSpan.Zero || FrameFolderFrameRate <= 0)
        {
            throw new ArgumentException("MediaOptions: limits, deadlines and frame rate must be positive");
        }
        if (AllowedFormats.Count == 0 || AllowedFormats.Any(f => f.Length == 0 || f.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '_')))
        {
            throw new ArgumentException("MediaOptions.AllowedFormats must be non-empty demuxer names");
        }
    }
}
