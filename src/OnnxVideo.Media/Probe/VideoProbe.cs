namespace OnnxVideo.Media;

/// <summary>What ffprobe reports about a video's first video stream. Times are in seconds.</summary>
public sealed record VideoProbe
{
    public required string Path { get; init; }
    /// <summary>ffmpeg's demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "matroska,webm".</summary>
    public required string FormatName { get; init; }
    public required string Codec { get; init; }
    public required string PixelFormat { get; init; }
    /// <summary>Stored frame size, before rotation.</summary>
    public required int Width { get; init; }
    public required int Height { get; init; }
    /// <summary>Display-matrix rotation as ffprobe reports it (counter-clockwise degrees, normalised to 0, 90, 180 or
    /// 270). ffmpeg applies it while decoding, so decoded frames are upright.</summary>
    public required int Rotation { get; init; }
    public required double Duration { get; init; }
    /// <summary>Timestamp of the first frame (not always 0, e.g. MPEG-TS or edited MP4).</summary>
    public required double StartTime { get; init; }
    public required double AverageFrameRate { get; init; }
    /// <summary>ffmpeg's "r_frame_rate": the lowest rate that represents all timestamps.</summary>
    public required double RealFrameRate { get; init; }
    public required long FrameCount { get; init; }
    /// <summary>True when <see cref="FrameCount"/> is stated by the container or counted; false when estimated from
    /// duration × frame rate.</summary>
    public required bool FrameCountExact { get; init; }
    public required int StreamCount { get; init; }
    public required int VideoStreamIndex { get; init; }
    public required bool HasAudio { get; init; }
    /// <summary>Read from the decoding ffmpeg's own input dump (<see cref="DecoderInputDump"/>) rather than from
    /// ffprobe: container duration and start, estimated frame count (an MP4's exact one where a test-time read took it
    /// from the sample tables). Good for planning a random training clip; test-time reads do not take it from the cache.</summary>
    internal bool FromDecoderDump { get; init; }

    /// <summary>Width of the upright frames ffmpeg decodes (rotation applied).</summary>
    public int DisplayWidth => Rotation is 90 or 270 ? Height : Width;
    public int DisplayHeight => Rotation is 90 or 270 ? Width : Height;
    /// <summary>Frame rate used to map frame indices to timestamps.</summary>
    public double NominalFrameRate => AverageFrameRate > 0 ? AverageFrameRate : RealFrameRate > 0 ? RealFrameRate : 25;
    /// <summary>Average and real frame rates disagree by more than 1 %: timestamps are irregular.</summary>
    public bool IsVariableFrameRate =>
        AverageFrameRate > 0 && RealFrameRate > 0 && Math.Abs(AverageFrameRate - RealFrameRate) > 0.01 * RealFrameRate;
}
