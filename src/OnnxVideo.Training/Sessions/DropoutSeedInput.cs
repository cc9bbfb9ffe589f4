using OnnxVideo.Ort;

namespace OnnxVideo.Training.Sessions;

/// <summary>
/// Feeds the dropout_seed input of the train-step and gradients graphs: a pure function of the run seed, the
/// optimizer step and the micro-batch within it, so a resumed run draws the masks the uninterrupted run drew.
/// </summary>
internal sealed class DropoutSeedInput(string? inputName, int runSeed) : IDisposable
{
    /// <summary>The graphs' hash works modulo this prime; seeds lie in [1, Prime).</summary>
    private const long Prime = 2147483647;
    private readonly long[] _value = new long[1];
    private OrtValue? _ortValue;

    public static long For(int runSeed, long step, int microBatch)
    {
        // SplitMix64 finaliser over the three counters.
        var z = unchecked((ulong)runSeed * 0x9E3779B97F4A7C15UL + (ulong)step * 0xBF58476D1CE4E5B9UL + (ulong)microBatch * 0x94D049BB133111EBUL + 0x2545F4914F6CDD1DUL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return 1 + (long)(z % (Prime - 1));
    }

    /// <summary>Binds the seed of <paramref name="step"/> (1-based) and <paramref name="microBatch"/> when the graph takes one.</summary>
    public void Bind(OrtIoBinding binding, OrtSession session, long step, int microBatch)
    {
        if (inputName is null || !session.InputNames.Contains(inputName))
        {
            return;
        }
        _value[0] = For(runSeed, step, microBatch);
        _ortValue ??= OrtValue.CreateTensor(new Memory<long>(_value), ReadOnlySpan<long>.Empty);
        binding.BindInput(inputName, _ortValue);
    }

    public void Dispose() => _ortValue?.Dispose();
}
