using System.Numerics.Tensors;
using OnnxVideo.Media;
using OnnxVideo.Ort;

namespace OnnxVideo.Runtime;

/// <summary>
/// Runs a video model through ONNX Runtime on batches staged in one pinned buffer. For each batch size an
/// <see cref="OrtIoBinding"/> binds the input to the buffer's prefix and the logits output to a pinned output buffer,
/// so a run allocates nothing. float16 models are fed through a half-precision staging buffer. A model with a fixed
/// batch dimension always runs at that size (unused slots hold stale data whose logits are ignored).
/// </summary>
internal sealed class OrtClipBatchRunner : IClipBatchRunner
{
    private readonly OrtSession _session;
    private readonly string _inputName;
    private readonly string _outputName;
    private readonly long[] _clipShape;
    private readonly bool _halfInput;
    private readonly bool _halfOutput;
    private readonly bool _fixedBatch;
    private readonly float[] _floatInput;
    private readonly Half[] _halfInputBuffer;
    private readonly float[] _logits;
    private readonly Half[] _halfLogits;
    private readonly OrtIoBinding?[] _bindings;
    private readonly List<OrtValue> _values = [];
    private readonly OrtRunOptions _runOptions = new();
    private readonly Lock _terminateLock = new();
    private long _generation;

    public OrtClipBatchRunner(string modelPath, PreprocessingContract? suppliedContract, VideoClassifierOptions options)
    {
        if (!File.Exists(modelPath))
        {
            throw new VideoModelException(modelPath, "model file not found");
        }
        var sessionOptions = SessionOptions(modelPath, options);
        _session = OpenSession(modelPath, sessionOptions, options);
        try
        {
            Contract = suppliedContract ?? ContractFromMetadata(modelPath);
            Contract.Validate(modelPath);
            if (_session.Inputs.Count != 1)
            {
                throw new VideoModelException(modelPath, $"a video classifier has one input (the clips), this model has {_session.Inputs.Count}: "
                    + string.Join(", ", _session.Inputs.Select(i => i.Name)));
            }
            var input = _session.Inputs[0];
            var output = _session.Outputs[0];
            _inputName = input.Name;
            _outputName = output.Name;
            _clipShape = CheckInput(modelPath, input, Contract);
            ClassCount = CheckOutput(modelPath, output, Contract);
            _halfInput = input.ElementType == TensorElementType.Float16;
            _halfOutput = output.ElementType == TensorElementType.Float16;
            _fixedBatch = input.Shape[0] > 0;
            MaxBatch = _fixedBatch ? (int)input.Shape[0] : options.MaxBatchSize;
            ClipElements = (int)_clipShape.Aggregate(1L, (a, b) => a * b);
            _floatInput = _halfInput ? [] : GC.AllocateArray<float>(MaxBatch * ClipElements, pinned: true);
            _halfInputBuffer = _halfInput ? GC.AllocateArray<Half>(MaxBatch * ClipElements, pinned: true) : [];
            _logits = _halfOutput ? new float[MaxBatch * ClassCount] : GC.AllocateArray<float>(MaxBatch * ClassCount, pinned: true);
            _halfLogits = _halfOutput ? GC.AllocateArray<Half>(MaxBatch * ClassCount, pinned: true) : [];
            _bindings = new OrtIoBinding?[MaxBatch + 1];
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    public PreprocessingContract Contract { get; }
    public int ClipElements { get; }
    public int ClassCount { get; }
    public int MaxBatch { get; }
    public long Generation => Interlocked.Read(ref _generation);
    public string ExecutionProviderDescription => _session.ExecutionProvider.ToString();
    public string InputDescription => _session.Inputs[0].ToString();

    /// <summary>
    /// The model is the caller's: ONNX Runtime refusing it is a <see cref="VideoModelException"/> naming it. On the CPU
    /// provider its 3-D convolutions are lowered to 2-D in memory first (<see cref="VideoClassifierOptions.LowerConvolutions"/>).
    /// </summary>
    private static OrtSession OpenSession(string modelPath, OrtSessionOptions sessionOptions, VideoClassifierOptions options)
    {
        try
        {
            return options.LowerConvolutions && options.Device == ExecutionProvider.Cpu
                ? CpuConvolutionLowering.Open(modelPath, path => new OrtSession(path, sessionOptions))
                : new OrtSession(modelPath, sessionOptions);
        }
        catch (OrtException e)
        {
            throw new VideoModelException(modelPath, $"ONNX Runtime cannot load the model: {e.OrtMessage}", e);
        }
    }

    /// <summary>ORT settings for the model: provider, threads and the caller's CUDA/TensorRT settings on <see cref="VideoClassifierOptions.DeviceId"/>.</summary>
    internal static OrtSessionOptions SessionOptions(string modelPath, VideoClassifierOptions options) => new()
    {
        IntraOpThreads = options.IntraOpThreads,
        ExecutionProvider = options.Device,
        Cuda = options.Cuda with { DeviceId = options.DeviceId },
        TensorRt = TensorRtSettings(modelPath, options),
    };

    /// <summary>The caller's TensorRT settings, with a batch profile 1..MaxBatchSize when TensorRT may run a dynamic batch.</summary>
    private static TensorRtProviderOptions TensorRtSettings(string modelPath, VideoClassifierOptions options)
    {
        var settings = options.TensorRt with { DeviceId = options.DeviceId };
        if (settings.BatchProfile is not null || options.Device is not (ExecutionProvider.TensorRt or ExecutionProvider.Auto)
            || !ExecutionProviders.IsCompiledIn(ExecutionProvider.TensorRt))
        {
            return settings;
        }
        var max = options.MaxBatchSize;
        return settings with
        {
            BatchProfile = TensorRtBatchProfile.ForModel(modelPath, options.TensorRtMinBatch, options.TensorRtOptBatch ?? max, max),
        };
    }

    private PreprocessingContract ContractFromMetadata(string modelPath)
    {
        if (!_session.Metadata.CustomMetadata.TryGetValue(PreprocessingContract.MetadataKey, out var json))
        {
            throw new InvalidContractException(modelPath, $"the model has no preprocessing contract in its metadata (key '{PreprocessingContract.MetadataKey}') "
                + "and none was supplied; pass VideoClassifierOptions.Contract or export the model with its contract");
        }
        return PreprocessingContract.FromJson(json, $"{modelPath} metadata '{PreprocessingContract.MetadataKey}'");
    }

    private static long[] CheckInput(string modelPath, OrtNodeInfo input, PreprocessingContract contract)
    {
        if (input.ElementType is not (TensorElementType.Float or TensorElementType.Float16))
        {
            throw new VideoModelException(modelPath, $"input {input} must be float or float16");
        }
        long[] expected = contract.Layout == TensorLayout.NCTHW
            ? [3, contract.Frames, contract.CropSize, contract.CropSize]
            : [contract.Frames, 3, contract.CropSize, contract.CropSize];
        bool fits = input.Shape.Count == 5
            && expected.Select((d, i) => input.Shape[i + 1] < 0 || input.Shape[i + 1] == d).All(ok => ok);
        if (!fits)
        {
            throw new VideoModelException(modelPath,
                $"input {input} does not match the contract ({contract.Layout} [N, {string.Join(", ", expected)}])");
        }
        return expected;
    }

    private static int CheckOutput(string modelPath, OrtNodeInfo output, PreprocessingContract contract)
    {
        if (output.ElementType is not (TensorElementType.Float or TensorElementType.Float16) || output.Shape.Count != 2)
        {
            throw new VideoModelException(modelPath, $"output {output} must be float/float16 logits [N, classes]");
        }
        long classes = output.Shape[1];
        if (classes < 0)
        {
            classes = contract.Labels.Length;
        }
        if (classes < 1)
        {
            throw new VideoModelException(modelPath, $"output {output} has no fixed class count and the contract has no labels");
        }
        if (contract.Labels.Length > 0 && contract.Labels.Length != classes)
        {
            throw new VideoModelException(modelPath,
                $"the contract names {contract.Labels.Length} labels but output {output} has {classes} classes");
        }
        return (int)classes;
    }

    public void Stage(int slot, ReadOnlySpan<float> clip)
    {
        if (_halfInput)
        {
            TensorPrimitives.ConvertToHalf(clip[..ClipElements], _halfInputBuffer.AsSpan(slot * ClipElements, ClipElements));
        }
        else
        {
            clip[..ClipElements].CopyTo(_floatInput.AsSpan(slot * ClipElements, ClipElements));
        }
    }

    public void Run(int count)
    {
        lock (_terminateLock)
        {
            Interlocked.Increment(ref _generation);
            if (_runOptions.IsTerminateRequested)
            {
                _runOptions.ResetTerminate();
            }
        }
        int batch = _fixedBatch ? MaxBatch : count;
        _session.RunWithBinding(Binding(batch), _runOptions);
        if (_halfOutput)
        {
            TensorPrimitives.ConvertToSingle(_halfLogits.AsSpan(0, count * ClassCount), _logits.AsSpan(0, count * ClassCount));
        }
    }

    public ReadOnlySpan<float> Logits(int slot) => _logits.AsSpan(slot * ClassCount, ClassCount);

    public void Terminate(long generation)
    {
        lock (_terminateLock)
        {
            if (generation == Interlocked.Read(ref _generation))
            {
                _runOptions.Terminate();
            }
        }
    }

    private OrtIoBinding Binding(int batch)
    {
        if (_bindings[batch] is { } existing)
        {
            return existing;
        }
        long[] inputShape = [batch, .. _clipShape];
        long[] outputShape = [batch, ClassCount];
        var input = _halfInput
            ? OrtValue.CreateTensor(_halfInputBuffer.AsMemory(0, batch * ClipElements), inputShape)
            : OrtValue.CreateTensor(_floatInput.AsMemory(0, batch * ClipElements), inputShape);
        _values.Add(input);
        var output = _halfOutput
            ? OrtValue.CreateTensor(_halfLogits.AsMemory(0, batch * ClassCount), outputShape)
            : OrtValue.CreateTensor(_logits.AsMemory(0, batch * ClassCount), outputShape);
        _values.Add(output);
        var binding = _session.CreateIoBinding();
        binding.BindInput(_inputName, input);
        binding.BindOutput(_outputName, output);
        _bindings[batch] = binding;
        return binding;
    }

    public void Dispose()
    {
        foreach (var binding in _bindings)
        {
            binding?.Dispose();
        }
        foreach (var value in _values)
        {
            value.Dispose();
        }
        _runOptions.Dispose();
        _session.Dispose();
    }
}
