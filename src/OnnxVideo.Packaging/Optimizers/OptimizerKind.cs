namespace OnnxVideo.Packaging.Optimizers;

/// <summary>The parameter-update rule compiled into a training graph.</summary>
public enum OptimizerKind
{
    /// <summary>Adam with decoupled weight decay and bias correction (torch.optim.AdamW).</summary>
    AdamW,
    /// <summary>Stochastic gradient descent with optional momentum, Nesterov and L2 weight decay (torch.optim.SGD).</summary>
    Sgd,
}
