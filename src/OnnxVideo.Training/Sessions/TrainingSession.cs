using OnnxVideo.Media;
using OnnxVideo.Onnx.Safetensors;
using OnnxVideo.Ort;
using OnnxVideo.Training.Checkpoints;
using OnnxVideo.Training.Loading;
using OnnxVideo.Training.Packages;
using OnnxVideo.Training.Schedules;

namespace OnnxVideo.Training.Sessions;

/// <summary>
/// Trains a training package on ONNX Runtime, shaped like ORT's (deprecated) on-device training API: open a package
/// (optionally from a checkpoint), <see cref="TrainStep"/> (forward + backward + optimizer update in one graph run),
/// <see cref="EvalStep"/>, gradient accumulation with <see cref="AccumulateGradients"/> + <see cref="OptimizerStep"/>,
/// a learning-rate schedule, <see cref="SaveCheckpoint"/>/<see cref="LoadCheckpoint"/> and
/// <see cref="ExportModelForInferencing"/>.
/// Parameters, optimizer state and BatchNormalization running statistics live in two sets of buffers (the optimizer state
/// of a package whose graphs keep it unchanged on a non-finite step in one, updated in place) in the memory of
/// the provider's device (CUDA device memory on cuda/tensorrt, CPU memory on cpu) that ORT reads and writes in place
/// through IoBindings: step k reads set p and writes set 1−p, then the parity flips, so no weights are copied between
/// steps or between host and device; per step only the batch and the scalars go in and loss, logits and gradient norm
/// come out. Weights reach the host only when read (checkpoints, export, <see cref="GetParameters"/>). Gradient
/// accumulation keeps its sums in host memory. Frozen weights are read once and shared by all graphs' sessions.
/// With <see cref="TrainingSessionOptions.EmaDecay"/> a moving average of the weights follows every applied step the
/// same way (device buffers, its own small update graph) and is what evaluation and export use.
/// Not thread-safe.
/// </summary>
public sealed partial class TrainingSession : IDisposable
{
    private readonly TrainingPackageLayout _package;
    private readonly TrainingSessionOptions _options;
    private readonly SharedInitializers _frozen;
    private readonly OrtSession _train;
    private readonly OrtSession _eval;
    private readonly Lazy<OrtSession> _gradients;
    private readonly Lazy<OrtSession> _optimizer;
    private readonly SessionDeviceMemory _memory;
    private readonly List<DoubleBufferedTensor> _parameters = [];
    private readonly List<DoubleBufferedTensor> _state = [];
    private readonly List<DoubleBufferedTensor> _buffers = [];
    private readonly float[] _lr = new float[1];
    private readonly float[] _stepInput = new float[1];
    private readonly float[] _clip = new float[1];
    private readonly float[] _loss = new float[1];
    private readonly float[] _gradNorm = new float[1];
    private readonly OrtValue _lrValue;
    private readonly OrtValue _stepValue;
    private readonly OrtValue _clipValue;
    private readonly OrtValue _lossValue;
    private readonly OrtValue _gradNormValue;
    private readonly OrtIoBinding?[] _trainBindings = new OrtIoBinding?[2];
    private readonly OrtIoBinding?[] _evalBindings = new OrtIoBinding?[2];
    private readonly OrtIoBinding?[] _gradientBindings = new OrtIoBinding?[2];
    private readonly OrtIoBinding?[] _optimizerBindings = new OrtIoBinding?[2];
    private readonly DropoutSeedInput _dropoutSeed;
    private WeightAverage? _average;
    private GradientAccumulator? _accumulator;
    private int _parity;
    private bool _disposed;

    private TrainingSession(TrainingPackageLayout package, TrainingSessionOptions options)
    {
        options.Validate();
        _package = package;
        _options = options;
        LearningRate = options.LearningRate;
        ClipNorm = options.ClipNorm;
        _lrValue = Scalar(_lr);
        _stepValue = Scalar(_stepInput);
        _clipValue = Scalar(_clip);
        _lossValue = Scalar(_loss);
        _gradNormValue = Scalar(_gradNorm);
        _dropoutSeed = new DropoutSeedInput(package.Names.DropoutSeed, options.DropoutSeed);
        _frozen = new SharedInitializers(package.FrozenPath);
        try
        {
            _train = SessionGraphChecks.WithLossAndLogits(CreateSession(package.TrainStepPath, options.ProfileFilePrefix), package.TrainStepPath, package.Names, package.IsCaptioner);
            _memory = new SessionDeviceMemory(_train, options.DeviceId, NewSessionOptions(CopyProvider()), options.HostParameterMemory);
            _eval = SessionGraphChecks.WithLossAndLogits(CreateSession(package.EvalPath), package.EvalPath, package.Names);
            _gradients = new Lazy<OrtSession>(() => SessionGraphChecks.WithLossAndLogits(CreateSession(package.GradientsPath), package.GradientsPath,
                package.Names, package.IsCaptioner));
            _optimizer = new Lazy<OrtSession>(() => CreateSession(package.OptimizerPath));
            foreach (var p in package.Parameters)
            {
                _parameters.Add(new DoubleBufferedTensor(p.Name, p.Updated, p.Shape, _memory));
                foreach (var s in p.State)
                {
                    _state.Add(new DoubleBufferedTensor(s.Name, s.Updated, p.Shape, _memory, inPlace: package.OptimizerStateGuarded));
                }
            }
            foreach (var b in package.Buffers)
            {
                _buffers.Add(new DoubleBufferedTensor(b.Name, b.Updated, b.Shape, _memory));
            }
            SampleShape = ReadSampleShape();
            SampleElements = SampleShape.Aggregate(1.0, (a, b) => a * b) <= int.MaxValue / 4
                ? (int)SampleShape.Aggregate(1L, (a, b) => a * b)
                : throw new TrainingSessionException(package.TrainStepPath, $"one sample of shape [{string.Join(", ", SampleShape)}] is too large");
            TensorUpload.Load(_memory, package.TrainablePath, Weights, _parity);
            TensorUpload.Load(_memory, package.OptimizerStatePath, _state, _parity);
            if (options.EmaDecay is { } decay)
            {
                _average = new WeightAverage(decay, Weights, _memory, NewSessionOptions(CopyProvider()));
                _average.ResetToWeights(_memory, _parity);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="package"/> with its initial weights.</summary>
    public static TrainingSession Open(TrainingPackageLayout package, TrainingSessionOptions? options = null) =>
        Open(package, options, checkpoint: null);

    /// <summary>Opens <paramref name="package"/> with its initial weights, or those of <paramref name="checkpoint"/>.</summary>
    internal static TrainingSession Open(TrainingPackageLayout package, TrainingSessionOptions? options, Checkpoint? checkpoint)
    {
        var session = new TrainingSession(package, options ?? new TrainingSessionOptions());
        if (checkpoint is not null)
        {
            try
            {
                session.LoadCheckpoint(checkpoint);
            }
            catch
            {
                session.Dispose();
                throw;
            }
        }
        return session;
    }

    public TrainingPackageLayout Package => _package;
    public int ClassCount => _package.ClassCount;
    /// <summary>Shape of one input sample (the video input without its batch dimension).</summary>
    public long[] SampleShape { get; }
    public int SampleElements { get; }
    /// <summary>Optimizer steps applied so far (skipped steps are not counted).</summary>
    public long OptimizerStepCount { get; private set; }
    /// <summary>Learning rate used when no <see cref="Schedule"/> is set.</summary>
    public float LearningRate { get; set; }
    /// <summary>When set, the learning rate of each step is <c>Schedule.At(OptimizerStepCount)</c>.</summary>
    public LearningRateSchedule? Schedule { get; set; }
    public float ClipNorm { get; set; }
    /// <summary>Micro-batches whose gradients are waiting for <see cref="OptimizerStep"/>.</summary>
    public int AccumulatedBatches => _accumulator?.Batches ?? 0;
    /// <summary>Whether the training graphs take soft targets (packages written before them take hard labels only).</summary>
    /// <summary>Old classes whose teacher logits each training step takes (a package compiled with distillation); null otherwise.</summary>
    public int? DistillationClasses => _package.Names.TeacherLogits is { } teacher && _train.InputNames.Contains(teacher) ? _package.DistillationClasses : null;
    public bool TakesSoftTargets => _package.Names.Targets is { } targets && _train.InputNames.Contains(targets);
    /// <summary>Whether an exponential moving average of the weights is kept (<see cref="TrainingSessionOptions.EmaDecay"/>).</summary>
    public bool AveragesWeights => _average is not null;
    /// <summary>The execution provider the training graph runs on.</summary>
    public ExecutionProviderSelection ExecutionProvider => _train.ExecutionProvider;

    public float CurrentLearningRate => (float)(Schedule?.At(OptimizerStepCount) ?? LearningRate);

    /// <summary>Names of the trainable parameters (their ONNX initializer names).</summary>
    public IReadOnlyList<string> ParameterNames => _parameters.Select(p => p.Name).ToList();

    /// <summary>
    /// One fused step on a batch: forward, loss, backward and optimizer update. <paramref name="video"/> holds
    /// labels.Length samples. <paramref name="softTargets"/> (labels.Length × classes, row-major, e.g. from mixup) replaces
    /// the one-hot rows of the labels in the loss; it needs a package whose graphs take soft targets
    /// (<see cref="TakesSoftTargets"/>). When the loss or the gradient norm is not finite the update is discarded
    /// (<see cref="StepResult.Applied"/> is false) and the weights keep their values. A package compiled with
    /// distillation (<see cref="DistillationClasses"/>) needs <paramref name="teacherLogits"/>: the previous model's
    /// logits for the same clips, labels.Length × <see cref="DistillationClasses"/> row-major.
    /// </summary>
    public StepResult TrainStep(Memory<float> video, ReadOnlySpan<int> labels, ReadOnlySpan<float> softTargets = default,
        ReadOnlySpan<float> teacherLogits = default) =>
        TrainStep(video, labels, softTargets, teacherLogits, tokens: null);

    /// <summary>A fused step on a batch of captioned clips: <paramref name="tokens"/> has one row per sample of <paramref name="video"/>.</summary>
    internal StepResult TrainStep(Memory<float> video, TokenTargets tokens, ReadOnlySpan<float> teacherLogits = default) =>
        TrainStep(video, new int[tokens.Rows], default, teacherLogits, tokens);

    private StepResult TrainStep(Memory<float> video, ReadOnlySpan<int> labels, ReadOnlySpan<float> softTargets, ReadOnlySpan<float> teacherLogits,
        TokenTargets? tokens)
    {
        ThrowIfDisposed();
        var binding = _trainBindings[_parity] ??= CreateUpdateBinding(_train, _parity, _parameters.Concat(_state).Concat(_buffers));
        BindScalars(binding, _train);
        using var teacher = BindTeacher(binding, _train, labels.Length, teacherLogits);
        var logits = RunBatch(_train, binding, video, labels, softTargets, tokens);
        var result = new StepResult(_loss[0], logits, _gradNorm[0], false);
        if (!result.IsFinite)
        {
            return result;
        }
        _average?.Update(_parity);
        _parity = 1 - _parity;
        OptimizerStepCount++;
        return result with { Applied = true };
    }

    /// <summary>Forward pass and loss (mean over the batch) without any update; with the averaged weights when <see cref="AveragesWeights"/>.</summary>
    public EvalResult EvalStep(Memory<float> video, ReadOnlySpan<int> labels) => EvalStep(video, labels, tokens: null);

    /// <summary>Forward pass and loss (mean over the non-pad target tokens) of a batch of captioned clips; logits [rows, L, vocabulary].</summary>
    internal EvalResult EvalStep(Memory<float> video, TokenTargets tokens) => EvalStep(video, new int[tokens.Rows], tokens);

    private EvalResult EvalStep(Memory<float> video, ReadOnlySpan<int> labels, TokenTargets? tokens)
    {
        ThrowIfDisposed();
        var binding = _evalBindings[_parity] ??= CreateReadBinding(_eval, _parity, averaged: _average is not null);
        var logits = RunBatch(_eval, binding, video, labels, default, tokens);
        return new EvalResult(_loss[0], logits);
    }

    /// <summary>Forward pass of <paramref name="count"/> unlabelled samples: only the logits are meaningful.</summary>
    public float[] EvalStep(Memory<float> video, int count) => EvalStep(video, new int[count]).Logits;

    /// <summary>
    /// Forward and backward on a micro-batch; the gradients are added (weighted by batch size) to those waiting for
    /// <see cref="OptimizerStep"/>. A micro-batch with a non-finite loss or gradient is left out
    /// (<see cref="StepResult.Applied"/> false). <paramref name="softTargets"/> and <paramref name="teacherLogits"/> as for <see cref="TrainStep"/>.
    /// </summary>
    public StepResult AccumulateGradients(Memory<float> video, ReadOnlySpan<int> labels, ReadOnlySpan<float> softTargets = default,
        ReadOnlySpan<float> teacherLogits = default) =>
        AccumulateGradients(video, labels, softTargets, teacherLogits, tokens: null);

    /// <summary><see cref="AccumulateGradients(Memory{float}, ReadOnlySpan{int}, ReadOnlySpan{float}, ReadOnlySpan{float})"/> for a batch of captioned clips.</summary>
    internal StepResult AccumulateGradients(Memory<float> video, TokenTargets tokens, ReadOnlySpan<float> teacherLogits = default) =>
        AccumulateGradients(video, new int[tokens.Rows], default, teacherLogits, tokens);

    private StepResult AccumulateGradients(Memory<float> video, ReadOnlySpan<int> labels, ReadOnlySpan<float> softTargets, ReadOnlySpan<float> teacherLogits,
        TokenTargets? tokens)
    {
        ThrowIfDisposed();
        var session = _gradients.Value;
        _accumulator ??= new GradientAccumulator(_package.Parameters);
        var binding = _gradientBindings[_parity] ??= CreateGradientBinding(session, _parity);
        _dropoutSeed.Bind(binding, session, OptimizerStepCount + 1, _accumulator.Batches);
        using var teacher = BindTeacher(binding, session, labels.Length, teacherLogits);
        var logits = RunBatch(session, binding, video, labels, softTargets, tokens);
        var finite = float.IsFinite(_loss[0]) && _accumulator.ScratchIsFinite();
        if (finite)
        {
            _accumulator.AddScratch(labels.Length);
            // The micro-batch's running statistics become current now, not at the next optimizer step.
            foreach (var b in _buffers)
            {
                _memory.Copy(b.ValueAt(1 - _parity), b.ValueAt(_parity));
            }
        }
        return new StepResult(_loss[0], logits, finite ? _accumulator.ScratchNorm() : float.NaN, finite);
    }

    /// <summary>
    /// Applies the accumulated gradients (their size-weighted mean) with the optimizer graph and clears them. When the
    /// gradient norm or an updated weight is not finite the update is discarded (<see cref="OptimizerStepResult.Applied"/> false);
    /// a package whose optimizer state is updated in place (<see cref="TrainingPackageLayout.OptimizerStateGuarded"/>)
    /// keeps that step's moments when only the updated weights were not finite (the norm, so every gradient, was).
    /// </summary>
    public OptimizerStepResult OptimizerStep()
    {
        ThrowIfDisposed();
        if (_accumulator is null || _accumulator.Batches == 0)
        {
            throw new InvalidOperationException("no accumulated gradients: call AccumulateGradients first");
        }
        var session = _optimizer.Value;
        _accumulator.FinishMean();
        var binding = _optimizerBindings[_parity] ??= CreateUpdateBinding(session, _parity, _parameters.Concat(_state));
        // Host inputs are copied to the device when bound, so the gradient means and scalars are bound for every step.
        foreach (var (name, value) in _accumulator.MeanInputs)
        {
            binding.BindInput(name, value);
        }
        BindScalars(binding, session);
        _gradNorm[0] = float.NaN;
        binding.SynchronizeInputs();
        session.RunWithBinding(binding);
        _accumulator.Reset();
        var norm = session.OutputNames.Contains(_package.Names.GradientNorm) ? _gradNorm[0] : 0f;
        if (!float.IsFinite(norm) || !UpdatedParametersFinite())
        {
            return new OptimizerStepResult(norm, false);
        }
        // The optimizer graph does not write running statistics: carry the current ones over to the other buffer.
        foreach (var b in _buffers)
        {
            _memory.Copy(b.ValueAt(_parity), b.ValueAt(1 - _parity));
        }
        _average?.Update(_parity);
        _parity = 1 - _parity;
        OptimizerStepCount++;
        return new OptimizerStepResult(norm, true);
    }

    /// <summary>Drops accumulated gradients without applying them.</summary>
    public void LazyResetGrad() => _accumulator?.Reset();

    private static OrtValue Scalar(float[] storage) => OrtValue.CreateTensor(new Memory<float>(storage), ReadOnlySpan<long>.Empty);

    /// <summary>
    /// Memory pattern off: with it ORT plans one block for all of a run's intermediates after the first run, while the
    /// arena keeps the chunks of that first run, so a step holds both (issue 17: r3d_18's step 1.70 → 1.18 GiB
    /// resident at 2×3×8×112², no measurable change in step time). <see cref="TrainingSessionOptions.MemoryPattern"/> turns it on for A/B.
    /// </summary>
    private OrtSessionOptions NewSessionOptions(ExecutionProvider provider) => new()
    {
        ExecutionProvider = provider,
        IntraOpThreads = _options.IntraOpThreads,
        InterOpThreads = 1,
        ExecutionMode = ExecutionMode.Sequential,
        EnableMemoryPattern = _options.MemoryPattern,
        Cuda = _options.Cuda with { DeviceId = _options.DeviceId },
        TensorRt = _options.TensorRt with { DeviceId = _options.DeviceId },
    };

    /// <summary>The copy graph runs where the weights live; under TensorRT its CUDA provider does the copies.</summary>
    private ExecutionProvider CopyProvider() => _train.ExecutionProvider.Chosen is Ort.ExecutionProvider.TensorRt
        ? Ort.ExecutionProvider.Cuda
        : _train.ExecutionProvider.Chosen;

    private OrtSession CreateSession(string modelPath, string? profileFilePrefix = null)
    {
        // Every graph runs on the provider the training graph got, so 'auto' cannot split them across devices.
        var sessionOptions = NewSessionOptions(_train?.ExecutionProvider.Chosen ?? _options.ExecutionProvider);
        sessionOptions.ProfileFilePrefix = profileFilePrefix;
        _frozen.AddTo(sessionOptions, modelPath);
        try
        {
            return CpuTrainingGraphs.Open(modelPath, sessionOptions, _options.NchwcConvolutions);
        }
        catch (OrtException e)
        {
            throw new TrainingSessionException(modelPath, $"ONNX Runtime cannot load the graph: {e.Message}", e);
        }
    }

    private long[] ReadSampleShape()
    {
        var input = _train.Inputs.FirstOrDefault(i => i.Name == _package.Names.Video)
            ?? throw new TrainingSessionException(_package.TrainStepPath, $"the training graph has no input '{_package.Names.Video}'");
        var rest = input.Shape.Skip(1).ToArray();
        if (input.Shape.Count < 2 || rest.Any(d => d <= 0))
        {
            throw new TrainingSessionException(_package.TrainStepPath, $"input '{input.Name}' {input.ShapeText} needs fixed dimensions after the batch");
        }
        return rest;
    }

    /// <summary>
    /// Binds this step's learning rate, step number and clip threshold. They are bound for every run: a host input is
    /// copied to the device when it is bound, so a binding made once would keep feeding the first step's values.
    /// </summary>
    private void BindScalars(OrtIoBinding binding, OrtSession session)
    {
        _lr[0] = CurrentLearningRate;
        _stepInput[0] = OptimizerStepCount + 1;
        _clip[0] = ClipNorm;
        var names = _package.Names;
        BindIfPresent(binding, session, names.LearningRate, _lrValue, input: true);
        BindIfPresent(binding, session, names.Step, _stepValue, input: true);
        BindIfPresent(binding, session, names.ClipNorm, _clipValue, input: true);
        _dropoutSeed.Bind(binding, session, OptimizerStepCount + 1, 0);
    }

    private OrtIoBinding CreateReadBinding(OrtSession session, int parity, bool averaged = false)
    {
        var binding = session.CreateIoBinding();
        var weights = Weights;
        for (var i = 0; i < weights.Count; i++)
        {
            if (session.InputNames.Contains(weights[i].Name))
            {
                binding.BindInput(weights[i].Name, (averaged ? _average!.Averages[i] : weights[i]).ValueAt(parity));
            }
        }
        binding.BindOutput(_package.Names.Loss, _lossValue);
        return binding;
    }

    private OrtIoBinding CreateGradientBinding(OrtSession session, int parity)
    {
        var binding = CreateReadBinding(session, parity);
        foreach (var b in _buffers.Where(b => session.OutputNames.Contains(b.UpdatedName)))
        {
            binding.BindOutput(b.UpdatedName, b.ValueAt(1 - parity));
        }
        foreach (var (name, value) in _accumulator!.ScratchOutputs)
        {
            binding.BindOutput(name, value);
        }
        return binding;
    }

    private OrtIoBinding CreateUpdateBinding(OrtSession session, int parity, IEnumerable<DoubleBufferedTensor> tensors)
    {
        var binding = session.CreateIoBinding();
        var names = _package.Names;
        foreach (var t in tensors)
        {
            if (session.InputNames.Contains(t.Name))
            {
                binding.BindInput(t.Name, t.ValueAt(parity));
            }
            if (session.OutputNames.Contains(t.UpdatedName))
            {
                binding.BindOutput(t.UpdatedName, t.ValueAt(1 - parity));
            }
        }
        BindIfPresent(binding, session, names.Loss, _lossValue, input: false);
        BindIfPresent(binding, session, names.GradientNorm, _gradNormValue, input: false);
        return binding;
    }

    private static void BindIfPresent(OrtIoBinding binding, OrtSession session, string name, OrtValue value, bool input)
    {
        if (input && session.InputNames.Contains(name))
        {
            binding.BindInput(name, value);
        }
        else if (!input && session.OutputNames.Contains(name))
        {
            binding.BindOutput(name, value);
        }
    }

    /// <summary>Binds the teacher logits of a distilling graph; the returned value must stay alive until the run has finished.</summary>
    private OrtValue? BindTeacher(OrtIoBinding binding, OrtSession session, int count, ReadOnlySpan<float> teacherLogits)
    {
        if (_package.Names.TeacherLogits is not { } name || !session.InputNames.Contains(name))
        {
            if (!teacherLogits.IsEmpty)
            {
                throw new InvalidOperationException("teacher logits were given, but this package was not compiled with distillation ('onnxvideo-export package --distill')");
            }
            return null;
        }
        var classes = _package.DistillationClasses ?? 0;
        if (teacherLogits.Length != count * classes || count == 0)
        {
            throw new ArgumentException($"the package distils {classes} old classes: a batch of {count} needs {count}×{classes} teacher logits, got {teacherLogits.Length}",
                nameof(teacherLogits));
        }
        var value = OrtValue.CreateTensor(teacherLogits.ToArray(), count, classes);
        binding.BindInput(name, value);
        return value;
    }

    /// <summary>Runs one batch; the logits are [n, classes], or [n, L, vocabulary] with <paramref name="tokens"/> (empty when a caption training graph does not output them).</summary>
    private float[] RunBatch(OrtSession session, OrtIoBinding binding, Memory<float> video, ReadOnlySpan<int> labels, ReadOnlySpan<float> softTargets,
        TokenTargets? tokens)
    {
        var n = labels.Length;
        if (n == 0 || video.Length != (long)n * SampleElements)
        {
            throw new ArgumentException($"batch of {n} labels needs {n}×{SampleElements} input values, got {video.Length}");
        }
        long[] logitsShape = tokens is null ? [n, ClassCount] : [n, tokens.Length, ClassCount];
        var bindLogits = tokens is null || session.OutputNames.Contains(_package.Names.Logits);
        var logits = bindLogits ? new float[logitsShape.Aggregate(1L, (a, b) => a * b)] : [];
        using var targetValues = tokens is null
            ? new BoundTargets(BatchTargets.Bind(binding, session, _package.Names, labels, softTargets, ClassCount))
            : TokenInputs.Bind(binding, session, _package.Names, tokens);
        using var videoValue = OrtValue.CreateTensor(video, [n, .. SampleShape]);
        using var logitsValue = bindLogits ? OrtValue.CreateTensor(logits, logitsShape) : null;
        binding.BindInput(_package.Names.Video, videoValue);
        if (logitsValue is not null)
        {
            binding.BindOutput(_package.Names.Logits, logitsValue);
        }
        _loss[0] = float.NaN;
        _gradNorm[0] = float.NaN;
        binding.SynchronizeInputs();
        session.RunWithBinding(binding);
        binding.SynchronizeOutputs();
        return logits;
    }

    private bool UpdatedParametersFinite()
    {
        var next = 1 - _parity;
        return _parameters.Concat(_state).All(t => AllFinite(_memory.Download(t.ValueAt(next), t.Shape)));
    }

    private static bool AllFinite(float[] data)
    {
        foreach (var v in data)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }
        return true;
    }

    private List<SafetensorsTensor> Snapshot(List<DoubleBufferedTensor> tensors) =>
        tensors.Select(t => SafetensorsTensor.FromFloats(t.Name, _memory.Download(t.ValueAt(_parity), t.Shape), t.Shape)).ToList();

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var binding in _trainBindings.Concat(_evalBindings).Concat(_gradientBindings).Concat(_optimizerBindings))
        {
            binding?.Dispose();
        }
        _accumulator?.Dispose();
        _average?.Dispose();
        DisposeInputGradient();
        foreach (var t in _parameters.Concat(_state).Concat(_buffers))
        {
            t.Dispose();
        }
        // After the tensors it allocated and before the training session whose allocator it holds.
        _memory?.Dispose();
        _train?.Dispose();
        _eval?.Dispose();
        if (_gradients is { IsValueCreated: true })
        {
            _gradients.Value.Dispose();
        }
        if (_optimizer is { IsValueCreated: true })
        {
            _optimizer.Value.Dispose();
        }
        foreach (var v in new[] { _lrValue, _stepValue, _clipValue, _lossValue, _gradNormValue })
        {
            v?.Dispose();
        }
        _frozen?.Dispose();
        _dropoutSeed?.Dispose();
    }
}
