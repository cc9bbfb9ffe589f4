using System.Globalization;
using OnnxVideo.Media.Ffmpeg;

namespace OnnxVideo.Media;

/// <summary>Runs one ffmpeg process whose stdout is rgb24 frames in sorted-target order and scatters them into the
/// caller's buffer in request order, without per-frame allocations.</summary>
internal static class RawFrameDecoder
{
    /// <summary>Sorted distinct targets and, for each request, the index of its distinct target.</summary>
    public static (double[] Distinct, int[] SlotOfRequest) Deduplicate(ReadOnlySpan<double> requested)
    {
        var order = new int[requested.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        var keys = requested.ToArray();
        Array.Sort(keys, order);
        var distinct = new List<double>(keys.Length);
        var slot = new int[requested.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            if (distinct.Count == 0 || keys[i] > distinct[^1])
            {
                distinct.Add(keys[i]);
            }
            slot[order[i]] = distinct.Count - 1;
        }
        return (distinct.ToArray(), slot);
    }

    public static List<string> CommonArguments(MediaOptions options)
    {
        var threads = options.DecoderThreads.ToString(CultureInfo.InvariantCulture);
        return
        [
            "-hide_banner", "-nostdin", "-v", "error",
            "-threads", threads,
            "-max_pixels", options.MaxPixelsPerFrame.ToString(CultureInfo.InvariantCulture),
        ];
    }

    public static void AddOutput(List<string> arguments, MediaOptions options, string filterChain, int distinctTargets)
    {
        arguments.AddRange([
            "-an", "-sn", "-dn",
            "-filter_threads", options.DecoderThreads.ToString(CultureInfo.InvariantCulture),
            "-vf", filterChain,
            "-frames:v", distinctTargets.ToString(CultureInfo.InvariantCulture),
            "-fps_mode", "passthrough",
            "-f", "rawvideo", "-pix_fmt", "rgb24", "pipe:1",
        ]);
    }

    /// <summary>Runs ffmpeg and fills <paramref name="destination"/>. Returns how many distinct targets ffmpeg
    /// delivered; the caller decides whether a shortfall is an error, then <see cref="RepeatLast"/> fills it.</summary>
    public static async Task<(int Delivered, ToolRun<int> Run)> RunAsync(string inputPath, List<string> arguments,
        MediaOptions options, int frameBytes, int distinctTargets, int[] slotOfRequest, Memory<byte> destination,
        CancellationToken ct)
    {
        // First request of each distinct target receives the frame straight from the pipe; others are copies.
        var firstRequest = new int[distinctTargets];
        Array.Fill(firstRequest, -1);
        for (var r = 0; r < slotOfRequest.Length; r++)
        {
            if (firstRequest[slotOfRequest[r]] < 0)
            {
                firstRequest[slotOfRequest[r]] = r;
            }
        }

        var run = await ToolRunner.RunAsync(options.FfmpegPath, arguments, inputPath, options, options.DecodeTimeout,
            async (stdout, token) =>
            {
                var delivered = 0;
                while (delivered < distinctTargets)
                {
                    var frame = destination.Slice(firstRequest[delivered] * frameBytes, frameBytes);
                    var read = await stdout.ReadAtLeastAsync(frame, frameBytes, throwOnEndOfStream: false, token)
                        .ConfigureAwait(false);
                    if (read < frameBytes)
                    {
                        break;
                    }
                    delivered++;
                }
                return (delivered, delivered == distinctTargets);
            }, ct).ConfigureAwait(false);

        var span = destination.Span;
        for (var r = 0; r < slotOfRequest.Length; r++)
        {
            var s = slotOfRequest[r];
            if (s < run.Value && firstRequest[s] != r)
            {
                span.Slice(firstRequest[s] * frameBytes, frameBytes).CopyTo(span.Slice(r * frameBytes, frameBytes));
            }
        }
        return (run.Value, run);
    }

    /// <summary>Gives every request whose target was not delivered the last delivered frame.</summary>
    public static void RepeatLast(int delivered, int[] slotOfRequest, int frameBytes, Span<byte> destination)
    {
        var lastRequest = Array.FindIndex(slotOfRequest, s => s == delivered - 1);
        var last = destination.Slice(lastRequest * frameBytes, frameBytes);
        for (var r = 0; r < slotOfRequest.Length; r++)
        {
            if (slotOfRequest[r] >= delivered)
            {
                last.CopyTo(destination.Slice(r * frameBytes, frameBytes));
            }
        }
    }
}
