namespace OnnxVideo.Testing;

/// <summary>
/// A test too slow or too memory-hungry for the default run (full-size models): skipped, visibly, unless
/// ONNXVIDEO_HEAVY_TESTS=1.
/// </summary>
public sealed class HeavyTheoryAttribute : TheoryAttribute
{
    public HeavyTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("ONNXVIDEO_HEAVY_TESTS") != "1")
        {
            Skip = "full-size model: set ONNXVIDEO_HEAVY_TESTS=1 to run it (minutes, up to ~11 GB of memory)";
        }
    }
}
