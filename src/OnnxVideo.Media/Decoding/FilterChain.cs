using System.Globalization;
using System.Text;

namespace OnnxVideo.Media;

/// <summary>
/// Builds the ffmpeg filter chain that picks frames by timestamp in one forward pass and shapes them.
/// <para>For sorted, distinct target times t₀ &lt; … &lt; tₙ₋₁, a decoded frame at time <c>t</c> "serves" every
/// target with tₖ − ε ≤ t not served by an earlier frame (ε = half a frame interval, so on a constant-rate video each
/// target gets its nearest frame). <c>select</c> keeps only frames that serve at least one target, plus one frame
/// after the last target so the chain flushes; <c>setpts</c> renumbers a kept frame to the index of the first target
/// it serves; <c>fps=1</c> then repeats a frame for every further target it serves, so output frame k is target k.
/// Crop and scale run only on kept frames.</para>
/// </summary>
internal static class FilterChain
{
    /// <summary>Most distinct frames one decode may pick: the chain holds two terms per target and must stay within
    /// the operating system's limit for one command-line argument (128 KiB on Linux).</summary>
    public const int MaxTargets = 1500;

    /// <summary>The filter chain for <paramref name="sortedTargets"/> (seconds on the stream's own clock, strictly
    /// increasing) and <paramref name="geometry"/>.</summary>
    /// <para>With <paramref name="timestampLog"/>, each kept frame's own time (in microseconds, before renumbering) is
    /// written to that file, so the caller can tell decoded frames from those <c>fps</c> repeats at the end of a
    /// stream (<see cref="DecodedFrameLog.TargetsServed"/>).</para>
    public static string Build(ReadOnlySpan<double> sortedTargets, double tolerance, FrameGeometry geometry,
        string? timestampLog = null)
    {
        if (sortedTargets.IsEmpty || sortedTargets.Length > MaxTargets)
        {
            throw new ArgumentException($"1 to {MaxTargets} distinct target times are needed (got {sortedTargets.Length})",
                nameof(sortedTargets));
        }
        var count = new StringBuilder();
        for (var i = 0; i < sortedTargets.Length; i++)
        {
            if (i > 0 && !(sortedTargets[i] > sortedTargets[i - 1]))
            {
                throw new ArgumentException("target times must be strictly increasing", nameof(sortedTargets));
            }
            if (i > 0)
            {
                count.Append('+');
            }
            count.Append("gte(T,").Append(Format(sortedTargets[i] - tolerance)).Append(')');
        }
        var served = count.ToString();
        var n = sortedTargets.Length.ToString(CultureInfo.InvariantCulture);
        // Register 0: targets served before this frame; 1: targets served up to and including it.
        var select = $"select='st(1,{served.Replace("T,", "t,", StringComparison.Ordinal)});st(2,gt(ld(1),ld(0))+gte(ld(0),{n}));st(0,ld(1));ld(2)'";
        var setpts = $"setpts='st(1,{served});st(2,ld(0));st(0,ld(1));ld(2)/TB'";

        var log = timestampLog is null ? "" : $"settb=AVTB,{LogTimestamps(timestampLog)},";
        return $"{select},{log}{setpts},{Shaping(geometry)},fps=1";
    }

    /// <summary>Crop (when the geometry has one), scale to the output size, rgb24, and the flip.</summary>
    public static string Shaping(FrameGeometry geometry)
    {
        var chain = new StringBuilder();
        if (geometry.SourceCrop is { } crop)
        {
            chain.Append(CultureInfo.InvariantCulture, $"crop={crop.Width}:{crop.Height}:{crop.X}:{crop.Y}:exact=1,");
        }
        chain.Append(CultureInfo.InvariantCulture, $"scale={geometry.Width}:{geometry.Height}:flags=bilinear,format=rgb24");
        if (geometry.HorizontalFlip)
        {
            chain.Append(",hflip");
        }
        return chain.ToString();
    }

    /// <summary>Filters that pass frames through and write each one's timestamp ("frame:N pts:P …" lines) to
    /// <paramref name="logFile"/>, so the caller can tell which inputs were decoded. (metadata=print writes only frames
    /// that carry metadata, hence the add.)</summary>
    public static string LogTimestamps(string logFile) =>
        $"metadata=mode=add:key=onnxvideo:value=1,metadata=mode=print:file={EscapeValue("file:" + logFile)}";

    /// <summary>Escapes an option value for both levels ffmpeg parses a filter graph at: the option list (\ ' :) and
    /// the graph (\ ' [ ] , ;).</summary>
    private static string EscapeValue(string value) =>
        Escape(Escape(value, "\\':"), "\\'[],;");

    private static string Escape(string value, string special)
    {
        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            if (special.Contains(c))
            {
                escaped.Append('\\');
            }
            escaped.Append(c);
        }
        return escaped.ToString();
    }

    private static string Format(double seconds) => seconds.ToString("0.#########", CultureInfo.InvariantCulture);
}
