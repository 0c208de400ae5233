//! Exact natural numbers of any size, just enough for counting rankings: the
//! number of orderings of a few hundred states has over a thousand digits.

use std::cmp::Ordering;

/// A natural number, little-endian base-2^32 limbs with no trailing zero limb.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Natural(Vec<u32>);

impl Natural {
    pub fn zero() -> Natural {
        Natural(Vec::new())
    }

    pub fn from_u64(value: u64) -> Natural {
        let mut n = Natural(vec![value as u32, (value >> 32) as u32]);
        n.trim();
        n
    }

    /// `n!`.
    pub fn factorial(n: usize) -> Natural {
        (2..=n as u64).fold(Natural::from_u64(1), |acc, k| acc.times_small(k as u32))
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    pub fn add(&self, other: &Natural) -> Natural {
        let (long, short) = if self.0.len() >= other.0.len() {
            (self, other)
        } else {
            (other, self)
        };
        let mut limbs = Vec::with_capacity(long.0.len() + 1);
        let mut carry = 0u64;
        for (k, &limb) in long.0.iter().enumerate() {
            let sum = limb as u64 + *short.0.get(k).unwrap_or(&0) as u64 + carry;
            limbs.push(sum as u32);
            carry = sum >> 32;
        }
        limbs.push(carry as u32);
        let mut n = Natural(limbs);
        n.trim();
        n
    }

    /// `self - other`, for `other <= self`.
    pub fn minus(&self, other: &Natural) -> Natural {
        debug_assert!(other <= self, "natural subtraction below zero");
        let mut limbs = Vec::with_capacity(self.0.len());
        let mut borrow = 0i64;
        for (k, &limb) in self.0.iter().enumerate() {
            let mut difference = limb as i64 - *other.0.get(k).unwrap_or(&0) as i64 - borrow;
            borrow = i64::from(difference < 0);
            difference += borrow << 32;
            limbs.push(difference as u32);
        }
        let mut n = Natural(limbs);
        n.trim();
        n
    }

    pub fn times_small(&self, factor: u32) -> Natural {
        let mut limbs = Vec::with_capacity(self.0.len() + 1);
        let mut carry = 0u64;
        for &limb in &self.0 {
            let product = limb as u64 * factor as u64 + carry;
            limbs.push(product as u32);
            carry = product >> 32;
        }
        limbs.push(carry as u32);
        let mut n = Natural(limbs);
        n.trim();
        n
    }

    pub fn times(&self, other: &Natural) -> Natural {
        if self.is_zero() || other.is_zero() {
            return Natural::zero();
        }
        let mut limbs = vec![0u32; self.0.len() + other.0.len()];
        for (a, &x) in self.0.iter().enumerate() {
            let mut carry = 0u64;
            for (b, &y) in other.0.iter().enumerate() {
                let cell = limbs[a + b] as u64 + x as u64 * y as u64 + carry;
                limbs[a + b] = cell as u32;
                carry = cell >> 32;
            }
            limbs[a + other.0.len()] = carry as u32;
        }
        let mut n = Natural(limbs);
        n.trim();
        n
    }

    /// Quotient and remainder of division by a small divisor (> 0).
    fn divide_small(&self, divisor: u32) -> (Natural, u32) {
        let mut limbs = self.0.clone();
        let mut remainder = 0u64;
        for limb in limbs.iter_mut().rev() {
            let current = (remainder << 32) | *limb as u64;
            *limb = (current / divisor as u64) as u32;
            remainder = current % divisor as u64;
        }
        let mut n = Natural(limbs);
        n.trim();
        (n, remainder as u32)
    }

    /// The exact quotient `self / divisor`, for a divisor known to divide `self`
    /// given as a product of small factors.
    pub fn divided_by_factors(&self, factors: impl IntoIterator<Item = u32>) -> Natural {
        factors.into_iter().fold(self.clone(), |acc, f| {
            let (quotient, remainder) = acc.divide_small(f);
            debug_assert_eq!(remainder, 0, "exact division");
            quotient
        })
    }

    /// Decimal digits.
    pub fn to_decimal(&self) -> String {
        const CHUNK: u32 = 1_000_000_000;
        let mut chunks = Vec::new();
        let mut rest = self.clone();
        while !rest.is_zero() {
            let (quotient, remainder) = rest.divide_small(CHUNK);
            chunks.push(remainder);
            rest = quotient;
        }
        let Some((last, lower)) = chunks.split_last() else {
            return "0".into();
        };
        let mut text = last.to_string();
        for chunk in lower.iter().rev() {
            text.push_str(&format!("{chunk:09}"));
        }
        text
    }

    /// The leading 64 bits and the power of two they are scaled by: `self ≈ top · 2^shift`.
    fn leading(&self) -> (u64, i64) {
        let bits = self.bit_length();
        if bits <= 64 {
            let value = self
                .0
                .iter()
                .rev()
                .fold(0u64, |acc, &l| (acc << 32) | l as u64);
            return (value, 0);
        }
        let shift = bits - 64;
        let top = (0..64).fold(0u64, |acc, k| (acc << 1) | self.bit(shift + 63 - k) as u64);
        (top, shift as i64)
    }

    fn bit_length(&self) -> usize {
        match self.0.last() {
            None => 0,
            Some(&top) => 32 * self.0.len() - top.leading_zeros() as usize,
        }
    }

    fn bit(&self, k: usize) -> bool {
        self.0
            .get(k / 32)
            .is_some_and(|limb| limb >> (k % 32) & 1 == 1)
    }

    /// `self / other` as a float (other > 0); exact to double precision even when
    /// both are far beyond the range of `f64`.
    pub fn ratio(&self, other: &Natural) -> f64 {
        let (a, a_shift) = self.leading();
        let (b, b_shift) = other.leading();
        (a as f64 / b as f64) * 2f64.powi((a_shift - b_shift).clamp(-2000, 2000) as i32)
    }

    /// The decimal logarithm (of a nonzero number).
    pub fn log10(&self) -> f64 {
        let (top, shift) = self.leading();
        (top as f64).log10() + shift as f64 * std::f64::consts::LOG10_2
    }
}

impl PartialOrd for Natural {
    fn partial_cmp(&self, other: &Natural) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Natural {
    fn cmp(&self, other: &Natural) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factorials_print_exactly() {
        assert_eq!(Natural::factorial(0).to_decimal(), "1");
        assert_eq!(Natural::factorial(20).to_decimal(), "2432902008176640000");
        assert_eq!(
            Natural::factorial(30).to_decimal(),
            "265252859812191058636308480000000"
        );
    }

    #[test]
    fn arithmetic_agrees_with_u128() {
        let a = 0xFFFF_FFFF_FFFF_FFFFu64;
        let b = 0x1234_5678_9ABC_DEF0u64;
        let product = a as u128 * b as u128;
        assert_eq!(
            Natural::from_u64(a)
                .times(&Natural::from_u64(b))
                .to_decimal(),
            product.to_string()
        );
        assert_eq!(
            Natural::from_u64(a).add(&Natural::from_u64(b)).to_decimal(),
            (a as u128 + b as u128).to_string()
        );
        assert_eq!(
            Natural::factorial(30)
                .minus(&Natural::from_u64(b))
                .to_decimal(),
            (265252859812191058636308480000000u128 - b as u128).to_string()
        );
        assert_eq!(
            Natural::factorial(25)
                .divided_by_factors([25, 24, 23])
                .to_decimal(),
            Natural::factorial(22).to_decimal()
        );
    }

    #[test]
    fn ratio_and_log_of_huge_numbers() {
        let big = Natural::factorial(400);
        let bigger = big.times_small(3);
        assert!((bigger.ratio(&big) - 3.0).abs() < 1e-12);
        assert!((Natural::factorial(100).log10() - 157.97).abs() < 0.01);
        assert!(big < bigger);
    }
}
