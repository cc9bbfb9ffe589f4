using System.Runtime.InteropServices;
using OnnxVideo.Ort;
using OnnxVideo.Training.Sessions;

namespace OnnxVideo.Training.Tests.Sessions;

/// <summary>
/// Weights live in the training session's device memory: the training binding reads them from buffers allocated for
/// the session's device memory info, and on CPU the results equal, bit for bit, those of the earlier path that kept
/// them in managed arrays.
/// </summary>
public sealed class DeviceMemoryTests : IDisposable
{
    private const int Classes = TinyFullTuningPackage.Classes;
    private const int SampleElements = TinyFullTuningPackage.SampleElements;
    private readonly TinyFullTuningPackage _tiny = new(seed: 5);

    public void Dispose() => _tiny.Dispose();

    private static (float[] Video, int[] Labels) Batch(int seed, int n) => TinyFullTuningPackage.Batch(seed, n);

    [Theory]
    [InlineData(ExecutionProvider.Cuda, 0)]
    [InlineData(ExecutionProvider.Cuda, 2)]
    [InlineData(ExecutionProvider.TensorRt, 1)]
    public void GpuProvidersKeepWeightsInCudaDeviceMemory(ExecutionProvider provider, int deviceId)
    {
        using var info = SessionDeviceMemory.ForProvider(provider, deviceId);
        Assert.Equal(OrtMemoryInfo.CudaName, info.DeviceName);
        Assert.Equal(deviceId, info.DeviceId);
        Assert.Equal(OrtMemoryType.Default, info.MemoryType);
    }

    [Fact]
    public void CudaGraphsAndBadGpuSettingsAreRefusedBeforeAnythingLoads()
    {
        var graph = Assert.Throws<ArgumentException>(() => TrainingSession.Open(_tiny.Layout,
            new TrainingSessionOptions { Cuda = new CudaProviderOptions { EnableCudaGraph = true } }));
        Assert.Contains("CUDA graphs cannot be used for training", graph.Message);
        Assert.Contains("DeviceId", Assert.Throws<ArgumentException>(() => TrainingSession.Open(_tiny.Layout, new TrainingSessionOptions { DeviceId = -1 })).Message);
        Assert.Contains("MaxWorkspaceSize", Assert.Throws<ArgumentException>(() => TrainingSession.Open(_tiny.Layout,
            new TrainingSessionOptions { TensorRt = new TensorRtProviderOptions { MaxWorkspaceSize = 0 } })).Message);
    }

    [Fact]
    public void TrainingBindingReadsWeightsFromTheSessionDeviceBuffers()
    {
        using var session = TrainingSession.Open(_tiny.Layout, new TrainingSessionOptions { IntraOpThreads = 1 });
        var (video, labels) = Batch(1, 2);
        Assert.True(session.TrainStep(video, labels).Applied);
        Assert.True(session.TrainStep(video, labels).Applied);

        var bound = session.BoundWeightInputs();
        var expectedCount = _tiny.Layout.Parameters.Sum(p => 1 + p.State.Count) + _tiny.Layout.Buffers.Count;
        Assert.Equal(expectedCount, bound.Count);
        Assert.Equal(OrtMemoryInfo.CpuName, session.WeightMemoryInfo.DeviceName);
        Assert.All(bound, b =>
        {
            Assert.Equal(session.WeightMemoryInfo.DeviceName, b.Device);
            Assert.Equal(session.WeightMemoryInfo.DeviceId, b.DeviceId);
            Assert.Equal(session.WeightMemoryInfo.MemoryType, b.MemoryType);
            Assert.True(b.IsOwnBuffer, $"{b.Name} is bound from a copy, not from the session's device buffer");
        });
    }

    /// <param name="ema">With a moving average of the weights, whose update graph also works in device memory.</param>
    [Theory]
    [InlineData(null)]
    [InlineData(0.9)]
    public void TrainAndEvalStepsCopyNoWeightsAndReadsCopyEachTensorOnce(double? ema)
    {
        using var session = TrainingSession.Open(_tiny.Layout, new TrainingSessionOptions { IntraOpThreads = 1, EmaDecay = ema });
        var afterOpen = session.WeightCopyCount;
        for (var i = 0; i < 3; i++)
        {
            var (video, labels) = Batch(40 + i, 2);
            Assert.True(session.TrainStep(video, labels).Applied);
            session.EvalStep(video, labels);
        }
        Assert.Equal(afterOpen, session.WeightCopyCount);

        var parameters = session.GetParameters();
        Assert.Equal(_tiny.Layout.Parameters.Count, parameters.Count);
        Assert.Equal(afterOpen + parameters.Count, session.WeightCopyCount);
    }

    [Fact]
    public void DeviceResidentWeightsGiveBitIdenticalResultsToManagedArraysOnCpu()
    {
        var device = Run(new TrainingSessionOptions { IntraOpThreads = 1 });
        var host = Run(new TrainingSessionOptions { IntraOpThreads = 1, HostParameterMemory = true });

        Assert.Equal(host.Steps.Count, device.Steps.Count);
        for (var i = 0; i < host.Steps.Count; i++)
        {
            Assert.Equal(Bits(host.Steps[i]), Bits(device.Steps[i]));
        }
        Assert.Equal(host.Weights.Keys.Order(), device.Weights.Keys.Order());
        foreach (var (name, values) in host.Weights)
        {
            Assert.True(Bits(values).SequenceEqual(Bits(device.Weights[name])), $"{name} differs between the two paths");
        }
    }

    private (List<float[]> Steps, Dictionary<string, float[]> Weights) Run(TrainingSessionOptions options)
    {
        using var session = TrainingSession.Open(_tiny.Layout, options);
        var steps = new List<float[]>();
        void Record(StepResult r) => steps.Add([r.Loss, r.GradientNorm, r.Applied ? 1 : 0, .. r.Logits]);
        void RecordUpdate(OptimizerStepResult u) => steps.Add([float.NaN, u.GradientNorm, u.Applied ? 1 : 0]);
        void RecordEval(EvalResult r) => steps.Add([r.Loss, .. r.Logits]);
        for (var i = 0; i < 3; i++)
        {
            var (video, labels) = Batch(10 + i, 3);
            Record(session.TrainStep(video, labels));
        }
        for (var i = 0; i < 2; i++)
        {
            var (video, labels) = Batch(20 + i, 2);
            Record(session.AccumulateGradients(video, labels));
        }
        RecordUpdate(session.OptimizerStep());
        var (evalVideo, evalLabels) = Batch(30, 3);
        RecordEval(session.EvalStep(evalVideo, evalLabels));
        Assert.All(steps.SkipLast(1), s => Assert.Equal(1, s[2]));

        var weights = new Dictionary<string, float[]>();
        foreach (var t in session.GetParameters().Concat(session.GetOptimizerState()).Concat(session.GetRunningStatistics()))
        {
            weights[t.Name] = MemoryMarshal.Cast<byte, float>(t.Data.Span).ToArray();
        }
        return (steps, weights);
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
