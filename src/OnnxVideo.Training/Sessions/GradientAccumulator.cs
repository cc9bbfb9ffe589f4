using OnnxVideo.Ort;
using OnnxVideo.Training.Packages;

namespace OnnxVideo.Training.Sessions;

/// <summary>
/// Gradient buffers for accumulation over micro-batches: the gradients graph writes each micro-batch's gradients into
/// scratch buffers; they are added to the sums weighted by batch size, and the size-weighted mean is what the
/// optimizer graph reads, so k micro-batches give the gradient of their union.
/// </summary>
internal sealed class GradientAccumulator : IDisposable
{
    private readonly List<(string Name, float[] Scratch, OrtValue ScratchValue, float[] Sum, OrtValue SumValue)> _entries = [];
    private long _samples;

    public GradientAccumulator(IReadOnlyList<TrainableParameter> parameters)
    {
        foreach (var p in parameters)
        {
            var count = checked((int)p.ElementCount);
            var scratch = new float[count];
            var sum = new float[count];
            _entries.Add((p.Gradient, scratch, OrtValue.CreateTensor(scratch, p.Shape), sum, OrtValue.CreateTensor(sum, p.Shape)));
        }
    }

    public int Batches { get; private set; }

    public IEnumerable<(string Name, OrtValue Value)> ScratchOutputs => _entries.Select(e => (e.Name, e.ScratchValue));

    public IEnumerable<(string Name, OrtValue Value)> MeanInputs => _entries.Select(e => (e.Name, e.SumValue));

    public bool ScratchIsFinite() => _entries.All(e => Array.TrueForAll(e.Scratch, float.IsFinite));

    public float ScratchNorm()
    {
        double sum = 0;
        foreach (var e in _entries)
        {
            foreach (var g in e.Scratch)
            {
                sum += (double)g * g;
            }
        }
        return (float)Math.Sqrt(sum);
    }

    public void AddScratch(int batchSize)
    {
        foreach (var e in _entries)
        {
            for (var i = 0; i < e.Sum.Length; i++)
            {
                e.Sum[i] += e.Scratch[i] * batchSize;
            }
        }
        _samples += batchSize;
        Batches++;
    }

    /// <summary>Turns the sums into the size-weighted mean, ready for the optimizer graph.</summary>
    public void FinishMean()
    {
        var scale = 1f / _samples;
        foreach (var e in _entries)
        {
            for (var i = 0; i < e.Sum.Length; i++)
            {
                e.Sum[i] *= scale;
            }
        }
    }

    public void Reset()
    {
        foreach (var e in _entries)
        {
            Array.Clear(e.Sum);
        }
        _samples = 0;
        Batches = 0;
    }

    public void Dispose()
    {
        foreach (var e in _entries)
        {
            e.ScratchValue.Dispose();
            e.SumValue.Dispose();
        }
    }
}
