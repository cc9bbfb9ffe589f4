using OnnxVideo.Ort.Native;

namespace OnnxVideo.Ort;

public sealed unsafe partial class OrtSession
{
    private const int StackNames = 16;

    /// <summary>
    /// Runs the model. Returns new values for <paramref name="outputNames"/> (all outputs when null), owned by the
    /// caller. A run stopped through <paramref name="runOptions"/>.<see cref="OrtRunOptions.Terminate"/> throws
    /// <see cref="OperationCanceledException"/>; any other ORT failure throws <see cref="OrtException"/>.
    /// </summary>
    public OrtValue[] Run(
        IReadOnlyList<string> inputNames,
        IReadOnlyList<OrtValue> inputs,
        IReadOnlyList<string>? outputNames = null,
        OrtRunOptions? runOptions = null) =>
        RunAllocating(inputNames, inputs, outputNames ?? this.outputNames.Names, runOptions, CancellationToken.None);

    /// <summary>Runs the model; cancelling <paramref name="cancellationToken"/> stops the run inside ORT.</summary>
    public OrtValue[] Run(
        IReadOnlyList<string> inputNames,
        IReadOnlyList<OrtValue> inputs,
        IReadOnlyList<string>? outputNames,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!cancellationToken.CanBeCanceled)
        {
            return Run(inputNames, inputs, outputNames);
        }

        using var runOptions = new OrtRunOptions();
        using var registration = cancellationToken.Register(static state => ((OrtRunOptions)state!).Terminate(), runOptions);
        return RunAllocating(inputNames, inputs, outputNames ?? this.outputNames.Names, runOptions, cancellationToken);
    }

    /// <summary>
    /// Runs the model writing into caller-created <paramref name="outputs"/> (shapes and types must match what the
    /// model produces). With reused lists this allocates nothing managed.
    /// </summary>
    public void Run(
        IReadOnlyList<string> inputNames,
        IReadOnlyList<OrtValue> inputs,
        IReadOnlyList<string> outputNames,
        IReadOnlyList<OrtValue> outputs,
        OrtRunOptions? runOptions = null)
    {
        if (outputs.Count != outputNames.Count)
        {
            throw new ArgumentException($"{outputNames.Count} output names but {outputs.Count} output values.", nameof(outputs));
        }

        var count = outputs.Count;
        Span<nint> outputPointers = count <= StackNames ? stackalloc nint[StackNames] : new nint[count];
        for (var i = 0; i < count; i++)
        {
            outputPointers[i] = outputs[i].Pointer;
        }

        RunCore(inputNames, inputs, outputNames, outputPointers[..count], runOptions, CancellationToken.None);
    }

    /// <summary>Runs with the inputs and outputs bound in <paramref name="binding"/>; allocates nothing managed.</summary>
    public void RunWithBinding(OrtIoBinding binding, OrtRunOptions? runOptions = null) =>
        RunWithBindingCore(binding, runOptions, CancellationToken.None);

    /// <summary>Runs with <paramref name="binding"/>; cancelling <paramref name="cancellationToken"/> stops the run.</summary>
    public void RunWithBinding(OrtIoBinding binding, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var runOptions = new OrtRunOptions();
        using var registration = cancellationToken.Register(static state => ((OrtRunOptions)state!).Terminate(), runOptions);
        RunWithBindingCore(binding, runOptions, cancellationToken);
    }

    private void RunWithBindingCore(OrtIoBinding binding, OrtRunOptions? runOptions, CancellationToken cancellationToken)
    {
        if (!ReferenceEquals(binding.Session, this))
        {
            throw new ArgumentException("The IoBinding belongs to another session.", nameof(binding));
        }

        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            var status = OrtApi.RunWithBinding(handle.DangerousGetHandle(), runOptions?.Handle.Pointer ?? 0, binding.Pointer);
            if (status != 0)
            {
                throw RunFailure(status, runOptions, cancellationToken);
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private OrtValue[] RunAllocating(
        IReadOnlyList<string> inputNames,
        IReadOnlyList<OrtValue> inputs,
        IReadOnlyList<string> outputNames,
        OrtRunOptions? runOptions,
        CancellationToken cancellationToken)
    {
        var outputPointers = new nint[outputNames.Count];
        RunCore(inputNames, inputs, outputNames, outputPointers, runOptions, cancellationToken);
        var results = new OrtValue[outputPointers.Length];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = OrtValue.FromNative(outputPointers[i]);
        }

        return results;
    }

    private void RunCore(
        IReadOnlyList<string> inputNames,
        IReadOnlyList<OrtValue> inputs,
        IReadOnlyList<string> outputNames,
        Span<nint> outputPointers,
        OrtRunOptions? runOptions,
        CancellationToken cancellationToken)
    {
        var inputCount = inputNames.Count;
        if (inputs.Count != inputCount)
        {
            throw new ArgumentException($"{inputCount} input names but {inputs.Count} input values.", nameof(inputs));
        }

        var outputCount = outputNames.Count;
        Span<nint> inputNamePointers = inputCount <= StackNames ? stackalloc nint[StackNames] : new nint[inputCount];
        Span<nint> inputPointers = inputCount <= StackNames ? stackalloc nint[StackNames] : new nint[inputCount];
        Span<nint> outputNamePointers = outputCount <= StackNames ? stackalloc nint[StackNames] : new nint[outputCount];
        for (var i = 0; i < inputCount; i++)
        {
            inputNamePointers[i] = (nint)this.inputNames.PointerOf(inputNames[i]);
            inputPointers[i] = inputs[i].Pointer;
        }

        for (var i = 0; i < outputCount; i++)
        {
            outputNamePointers[i] = (nint)this.outputNames.PointerOf(outputNames[i]);
        }

        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            nint status;
            fixed (nint* inNames = inputNamePointers, inValues = inputPointers, outNames = outputNamePointers, outValues = outputPointers)
            {
                status = OrtApi.Run(
                    handle.DangerousGetHandle(),
                    runOptions?.Handle.Pointer ?? 0,
                    (byte**)inNames,
                    inValues,
                    (nuint)inputCount,
                    (byte**)outNames,
                    (nuint)outputCount,
                    outValues);
            }

            if (status != 0)
            {
                throw RunFailure(status, runOptions, cancellationToken);
            }
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }

            GC.KeepAlive(inputs);
        }
    }

    private Exception RunFailure(nint status, OrtRunOptions? runOptions, CancellationToken cancellationToken)
    {
        var failure = OrtStatus.ToException(status, $"Run of '{Source}' failed");
        return runOptions?.IsTerminateRequested == true
            ? new OperationCanceledException($"The run of '{Source}' was cancelled.", failure, cancellationToken)
            : failure;
    }
}
