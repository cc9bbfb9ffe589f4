using System.Globalization;
using System.Text.Json;
using OnnxVideo.Media.Ffmpeg;

namespace OnnxVideo.Media;

/// <summary>Probes a video file with ffprobe (JSON output) under the hardened input settings, and checks the
/// result against <see cref="MediaOptions"/> limits.</summary>
public static class FfprobeRunner
{
    /// <summary>Probes <paramref name="path"/>; throws <see cref="VideoInputException"/> for a missing, unreadable,
    /// non-video, disallowed-format or over-limit file.</summary>
    public static async Task<VideoProbe> ProbeAsync(string path, MediaOptions? options = null,
        CancellationToken ct = default)
    {
        options ??= MediaOptions.Default;
        options.Validate();
        var fullPath = InputSafety.RequireFile(path);
        var arguments = new List<string> { "-hide_banner", "-v", "error" };
        InputSafety.AddInputOptions(arguments, options);
        arguments.AddRange(["-print_format", "json", "-show_format", "-show_streams"]);
        if (options.ExactFrameCount)
        {
            arguments.Add("-count_packets");
        }
        arguments.Add(InputSafety.FileUrl(fullPath));

        var run = await ToolRunner.RunAsync(options.FfprobePath, arguments, path, options, options.ProbeTimeout,
            ToolRunner.ReadAllStdoutAsync, ct).ConfigureAwait(false);
        if (run.ExitCode != 0)
        {
            throw InputSafety.Failure(path, "ffprobe", run.ExitCode, run.StderrTail);
        }
        VideoProbe probe;
        try
        {
            probe = Parse(path, run.Value);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new VideoInputException(path, VideoInputError.Unreadable, $"unexpected ffprobe output: {e.Message}",
                run.StderrTail, e);
        }
        CheckLimits(probe, options);
        return probe;
    }

    /// <summary>Throws <see cref="VideoInputException"/> (TooLarge / UnsupportedFormat / Unreadable) when a probed video may not be
    /// decoded under <paramref name="options"/>.</summary>
    public static void CheckLimits(VideoProbe probe, MediaOptions options)
    {
        if (probe.StreamCount > options.MaxStreams)
        {
            throw new VideoInputException(probe.Path, VideoInputError.TooLarge,
                $"the container holds {probe.StreamCount} streams, more than the limit of {options.MaxStreams} "
                + "(MediaOptions.MaxStreams)");
        }
        var names = probe.FormatName.Split(',');
        if (!names.Any(n => options.AllowedFormats.Contains(n, StringComparer.Ordinal)))
        {
            throw new VideoInputException(probe.Path, VideoInputError.UnsupportedFormat,
                $"container '{probe.FormatName}' is not an accepted format");
        }
        if (probe.Width <= 0 || probe.Height <= 0)
        {
            throw new VideoInputException(probe.Path, VideoInputError.Unreadable,
                $"video stream has no frame size ({probe.Width}x{probe.Height})");
        }
        if ((long)probe.Width * probe.Height > options.MaxPixelsPerFrame)
        {
            throw new VideoInputException(probe.Path, VideoInputError.TooLarge,
                $"frame size {probe.Width}x{probe.Height} exceeds the limit of {options.MaxPixelsPerFrame} pixels");
        }
        if (probe.Duration > options.MaxDurationSeconds)
        {
            throw new VideoInputException(probe.Path, VideoInputError.TooLarge,
                $"duration {probe.Duration:0.###} s exceeds the limit of {options.MaxDurationSeconds:0.###} s");
        }
    }

    private static VideoProbe Parse(string path, byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var format = root.GetProperty("format");
        var streams = root.TryGetProperty("streams", out var s) ? s.EnumerateArray().ToList() : [];
        var video = streams.FirstOrDefault(IsVideo);
        if (video.ValueKind != JsonValueKind.Object)
        {
            throw new VideoInputException(path, VideoInputError.NoVideoStream,
                $"no video stream among {streams.Count} stream(s)");
        }

        var averageRate = Rational(video, "avg_frame_rate");
        var realRate = Rational(video, "r_frame_rate");
        var duration = Number(video, "duration") ?? Number(format, "duration") ?? 0;
        var start = Number(video, "start_time") ?? Number(format, "start_time") ?? 0;
        var rate = averageRate > 0 ? averageRate : realRate;
        long frames;
        bool exact;
        if (Integer(video, "nb_read_packets") is { } counted and > 0)
        {
            (frames, exact) = (counted, true);
        }
        else if (Integer(video, "nb_frames") is { } stated and > 0)
        {
            (frames, exact) = (stated, true);
        }
        else
        {
            (frames, exact) = (Math.Max(1, (long)Math.Round(duration * rate)), false);
        }
        if (duration <= 0 && rate > 0)
        {
            duration = frames / rate;
        }

        return new VideoProbe
        {
            Path = path,
            FormatName = String(format, "format_name"),
            Codec = String(video, "codec_name"),
            PixelFormat = String(video, "pix_fmt"),
            Width = (int)(Integer(video, "width") ?? 0),
            Height = (int)(Integer(video, "height") ?? 0),
            Rotation = RotationOf(video),
            Duration = duration,
            StartTime = start,
            AverageFrameRate = averageRate,
            RealFrameRate = realRate,
            FrameCount = frames,
            FrameCountExact = exact,
            StreamCount = streams.Count,
            VideoStreamIndex = (int)(Integer(video, "index") ?? 0),
            HasAudio = streams.Any(x => x.TryGetProperty("codec_type", out var t) && t.GetString() == "audio"),
        };
    }

    private static bool IsVideo(JsonElement stream) =>
        stream.TryGetProperty("codec_type", out var type) && type.GetString() == "video"
        && !(stream.TryGetProperty("disposition", out var d) && d.TryGetProperty("attached_pic", out var pic)
             && pic.ValueKind == JsonValueKind.Number && pic.GetInt32() == 1);

    private static int RotationOf(JsonElement video)
    {
        double degrees = 0;
        if (video.TryGetProperty("side_data_list", out var sideData))
        {
            foreach (var item in sideData.EnumerateArray())
            {
                if (Number(item, "rotation") is { } r)
                {
                    degrees = r;
                }
            }
        }
        else if (video.TryGetProperty("tags", out var tags) && Number(tags, "rotate") is { } tagged)
        {
            degrees = tagged;
        }
        var quarter = (int)Math.Round(degrees / 90.0);
        return ((quarter % 4) + 4) % 4 * 90;
    }

    private static string String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";

    private static double? Number(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v))
        {
            return null;
        }
        if (v.ValueKind == JsonValueKind.Number)
        {
            return v.GetDouble();
        }
        return v.ValueKind == JsonValueKind.String
               && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
               && double.IsFinite(d)
            ? d
            : null;
    }

    private static long? Integer(JsonElement e, string name) => Number(e, name) is { } d ? (long)d : null;

    private static double Rational(JsonElement e, string name)
    {
        var text = String(e, name);
        var slash = text.IndexOf('/');
        if (slash < 0)
        {
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var plain) ? plain : 0;
        }
        return double.TryParse(text.AsSpan(0, slash), NumberStyles.Float, CultureInfo.InvariantCulture, out var num)
               && double.TryParse(text.AsSpan(slash + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var den)
               && den != 0
            ? num / den
            : 0;
    }
}
