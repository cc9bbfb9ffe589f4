using System.Globalization;
using System.Text.RegularExpressions;

namespace OnnxVideo.Media;

/// <summary>
/// Reads the stream information ffmpeg prints about its first input when it opens it (<c>-v info</c>), so a decode
/// can be planned by the decoding process itself instead of a separate ffprobe run.
/// <para>The dump is coarser than ffprobe's JSON: it gives the container's duration (to 10 ms) and start, frame
/// rates to two decimals (NTSC rates are recovered), and no declared frame count, so the result is marked
/// <see cref="VideoProbe.FromDecoderDump"/>, its frame count is an estimate, and anything not recognised yields
/// null (the caller then probes with ffprobe).</para>
/// </summary>
internal static partial class DecoderInputDump
{
    /// <summary>The probe described by <paramref name="lines"/> (ffmpeg's dump of input #0, from its "Input #0," line
    /// on), or null when it lacks a recognisable video stream, size, frame rate or duration.</summary>
    public static VideoProbe? Parse(string path, IReadOnlyList<string> lines)
    {
        if (lines.Count == 0 || HeaderPattern().Match(lines[0]) is not { Success: true } header)
        {
            return null;
        }
        double? duration = null;
        double start = 0;
        var streams = 0;
        var hasAudio = false;
        Match? video = null;
        int? videoIndex = null;
        double rotation = 0;
        var inVideoBlock = false;
        foreach (var line in lines.Skip(1))
        {
            if (DurationPattern().Match(line) is { Success: true } d)
            {
                duration = Clock(d.Groups["duration"].Value);
                start = d.Groups["start"].Success ? Number(d.Groups["start"].Value) ?? 0 : 0;
            }
            else if (StreamPattern().Match(line) is { Success: true } s)
            {
                streams++;
                var type = s.Groups["type"].Value;
                hasAudio |= type == "Audio";
                inVideoBlock = video is null && type == "Video" && !line.Contains("(attached pic)", StringComparison.Ordinal);
                if (inVideoBlock)
                {
                    video = s;
                    videoIndex = int.Parse(s.Groups["index"].Value, CultureInfo.InvariantCulture);
                }
            }
            else if (inVideoBlock && RotationPattern().Match(line) is { Success: true } r)
            {
                rotation = Number(r.Groups["degrees"].Value) ?? 0;
            }
        }
        if (video is null || duration is not > 0)
        {
            return null;
        }
        return FromStreamLine(path, header.Groups["formats"].Value, video.Groups["details"].Value, videoIndex!.Value,
            duration.Value, start, rotation, streams, hasAudio);
    }

    private static VideoProbe? FromStreamLine(string path, string formats, string details, int index, double duration,
        double start, double rotation, int streams, bool hasAudio)
    {
        var fields = TopLevelFields(details);
        var size = fields.Select(f => SizePattern().Match(f)).FirstOrDefault(m => m.Success);
        var averageRate = Rate(fields, " fps");
        var realRate = Rate(fields, " tbr");
        var rate = averageRate > 0 ? averageRate : realRate;
        if (size is null || rate <= 0 || fields.Count < 2)
        {
            return null;
        }
        var quarter = (int)Math.Round(rotation / 90.0);
        return new VideoProbe
        {
            Path = path,
            FormatName = formats,
            Codec = fields[0].Split(' ', 2)[0],
            PixelFormat = fields[1].Split('(', 2)[0].Trim(),
            Width = int.Parse(size.Groups["w"].Value, CultureInfo.InvariantCulture),
            Height = int.Parse(size.Groups["h"].Value, CultureInfo.InvariantCulture),
            Rotation = ((quarter % 4) + 4) % 4 * 90,
            Duration = duration,
            StartTime = start,
            AverageFrameRate = averageRate,
            RealFrameRate = realRate,
            FrameCount = Math.Max(1, (long)Math.Round(duration * rate)),
            FrameCountExact = false,
            StreamCount = streams,
            VideoStreamIndex = index,
            HasAudio = hasAudio,
            FromDecoderDump = true,
        };
    }

    /// <summary>The comma-separated fields of a stream line, commas inside brackets left alone
    /// ("yuv420p(tv, bt709, progressive)").</summary>
    private static List<string> TopLevelFields(string details)
    {
        var fields = new List<string>();
        var depth = 0;
        var begin = 0;
        for (var i = 0; i < details.Length; i++)
        {
            depth += details[i] is '(' or '[' ? 1 : details[i] is ')' or ']' ? -1 : 0;
            if (details[i] == ',' && depth == 0)
            {
                fields.Add(details[begin..i].Trim());
                begin = i + 1;
            }
        }
        fields.Add(details[begin..].Trim());
        return fields;
    }

    /// <summary>A rate field ("29.97 fps", "25 tbr", "1k fps"); two-decimal NTSC rates (23.98, 29.97, 59.94) become
    /// k·1000/1001 again. 0 when absent.</summary>
    private static double Rate(List<string> fields, string suffix)
    {
        var field = fields.FirstOrDefault(f => f.EndsWith(suffix, StringComparison.Ordinal));
        if (field is null)
        {
            return 0;
        }
        var text = field[..^suffix.Length].Trim();
        var thousands = text.EndsWith('k');
        var value = Number(thousands ? text[..^1] : text) ?? 0;
        value *= thousands ? 1000 : 1;
        var ntsc = Math.Round(value * 1.001);
        var printedFraction = Math.Abs(value - Math.Round(value)) > 1e-9;
        return printedFraction && Math.Abs(value * 1.001 - ntsc) < 0.006 ? ntsc * 1000 / 1001 : value;
    }

    private static double? Clock(string text)
    {
        var parts = text.Split(':');
        return parts.Length == 3 && Number(parts[0]) is { } h && Number(parts[1]) is { } m && Number(parts[2]) is { } s
            ? h * 3600 + m * 60 + s
            : null;
    }

    private static double? Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : null;

    [GeneratedRegex(@"^Input #0, (?<formats>[A-Za-z0-9_,]+), from '")]
    private static partial Regex HeaderPattern();

    [GeneratedRegex(@"^\s+Duration: (?<duration>[0-9:.]+|N/A)(, start: (?<start>-?[0-9.]+))?")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^\s+Stream #0:(?<index>[0-9]+)\S*: (?<type>[A-Za-z]+): (?<details>.*)$")]
    private static partial Regex StreamPattern();

    [GeneratedRegex(@"^\s+displaymatrix: rotation of (?<degrees>-?[0-9.]+) degrees")]
    private static partial Regex RotationPattern();

    [GeneratedRegex(@"^(?<w>[0-9]+)x(?<h>[0-9]+)( |$)")]
    private static partial Regex SizePattern();
}
