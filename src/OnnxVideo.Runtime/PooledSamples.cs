using System.Diagnostics;
using OnnxVideo.Media;

namespace OnnxVideo.Runtime;

/// <summary>Collects the (clip, crop) samples of one input: each is normalised into a pooled buffer as it arrives, and
/// the time spent doing so is kept apart from decoding. Not thread-safe; one per input.</summary>
internal sealed class PooledSamples(VideoClipReader reader, ClipBufferPool pool)
{
    private readonly List<(int Sample, float[] Tensor)> _samples = [];
    private long _preprocessTicks;

    public TimeSpan Preprocess => Stopwatch.GetElapsedTime(0, _preprocessTicks);

    public void Add(ReadOnlySpan<byte> frames, int width, int height, CropRegion crop, int sample)
    {
        long started = Stopwatch.GetTimestamp();
        var tensor = pool.Rent();
        _samples.Add((sample, tensor));
        reader.Preprocessor.Process(frames, width, height, crop, tensor);
        _preprocessTicks += Stopwatch.GetTimestamp() - started;
    }

    public PreparedItem ToItem(string source, ClipPlan plan, TimeSpan decode, TimeSpan alreadySpent)
    {
        int crops = reader.Contract.TestCrops;
        var clips = _samples.Select(s => new PreparedClip(s.Sample / crops, s.Sample % crops, plan.Starts[s.Sample / crops],
            plan.Ends[s.Sample / crops], s.Tensor)).ToList();
        return new PreparedItem(source, clips, plan.ClipCount, decode, alreadySpent + Preprocess, plan.IsTimeline);
    }

    public void ReturnAll()
    {
        foreach (var (_, tensor) in _samples)
        {
            pool.Return(tensor);
        }
        _samples.Clear();
    }
}
